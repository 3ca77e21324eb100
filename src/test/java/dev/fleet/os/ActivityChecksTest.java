package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The idle watcher's checks on a member: one that cannot look (its tool missing) must fail, which
 * the watcher reads as "could not check" and never stops on; an empty listing would read as idle.
 */
class ActivityChecksTest {
    private final OsCommands linux = OsCommands.forOs(MemberOs.LINUX);

    private static ShellRun bash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().putAll(env);
        return ShellRun.of(pb);
    }

    @Test
    void theAgentCheckWithoutPsFailsInsteadOfListingNothing() throws Exception {
        ShellRun without = bash(linux.agentProcesses(), Map.of("PATH", "/nonexistent"));
        assertThat(without.exit()).isEqualTo(3);
        assertThat(without.stderr()).contains("ps not found");
        assertThat(without.stdout()).isEmpty();

        ShellRun with = bash(linux.agentProcesses(), Map.of());
        assertThat(with.exit()).as(with.stderr()).isZero();
    }

    @Test
    void theFleetCommandCheckReadsProcAndSucceedsWithNothingRunning() throws Exception {
        ShellRun r = bash(linux.fleetCommands("0123456789ab").orElseThrow(), Map.of());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEmpty();
    }
}
