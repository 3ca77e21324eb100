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

    /**
     * A cloud instance's check counts a fleet command of another member of the same login (the
     * machine under another name): here one tagged for another member, with this login's home. A
     * look is never counted, nor one of another home, nor by a member's own check another member's
     * command.
     */
    @Test
    void theCheckOfALoginListsItsOtherMembersCommandsButNoLookNorAnotherHomes() throws Exception {
        String other = "othername-" + "0123456789abcdef".repeat(2);
        String look = "othername-look-" + "fedcba9876543210".repeat(2);
        String elsewhere = "othername-" + "00112233445566778899aabbccddeeff";
        String home = tmp.toString();
        Process command = tagged(other, home);
        Process looking = tagged(look, home);
        Process otherHome = tagged(elsewhere, tmp.resolve("another-home").toString());
        try {
            ShellRun login = bash(linux.fleetCommands("0123456789ab", true).orElseThrow(), Map.of("HOME", home));
            assertThat(login.exit()).as(login.stderr()).isZero();
            assertThat(login.stdout().lines()).containsExactly(OsCommands.RUN_TAG + "=" + other);
            ShellRun own = bash(linux.fleetCommands("0123456789ab").orElseThrow(), Map.of("HOME", home));
            assertThat(own.exit()).as(own.stderr()).isZero();
            assertThat(own.stdout()).isEmpty();
        } finally {
            for (Process p : new Process[] {command, looking, otherHome}) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    private static Process tagged(String runId, String home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sleep", "60");
        pb.environment().put(OsCommands.RUN_TAG, runId);
        pb.environment().put("HOME", home);
        return pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
