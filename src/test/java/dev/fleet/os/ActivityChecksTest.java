package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The idle watcher's checks on a member: one that cannot look (its tool missing) must fail, which
 * the watcher reads as "could not check" and never stops on; an empty listing would read as idle.
 */
class ActivityChecksTest {
    private final OsCommands linux = OsCommands.forOs(MemberOs.LINUX);

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run bash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void theAgentCheckWithoutPsFailsInsteadOfListingNothing() throws Exception {
        Run without = bash(linux.agentProcesses(), Map.of("PATH", "/nonexistent"));
        assertThat(without.exit()).isEqualTo(3);
        assertThat(without.stderr()).contains("ps not found");
        assertThat(without.stdout()).isEmpty();

        Run with = bash(linux.agentProcesses(), Map.of());
        assertThat(with.exit()).as(with.stderr()).isZero();
    }

    @Test
    void theFleetCommandCheckReadsProcAndSucceedsWithNothingRunning() throws Exception {
        Run r = bash(linux.fleetCommands("0123456789ab").orElseThrow(), Map.of());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEmpty();
    }
}
