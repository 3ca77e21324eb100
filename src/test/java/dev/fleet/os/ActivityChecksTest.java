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
     * A cloud instance's check counts the fleet commands of the members named with it (the machine
     * under another name), and no other member's; a look is never counted.
     */
    @Test
    void theCheckListsTheCommandsOfTheMembersNamedButNoLookNorAnotherMembers() throws Exception {
        String second = "secondname-" + "0123456789abcdef".repeat(2);
        String look = "secondname-look-" + "fedcba9876543210".repeat(2);
        String unrelated = "anothermemb-" + "00112233445566778899aabbccddeeff";
        Process command = tagged(second);
        Process looking = tagged(look);
        Process other = tagged(unrelated);
        try {
            ShellRun both = bash(linux.fleetCommands(java.util.List.of("0123456789ab", "secondname")).orElseThrow(), Map.of());
            assertThat(both.exit()).as(both.stderr()).isZero();
            assertThat(both.stdout().lines()).containsExactly(OsCommands.RUN_TAG + "=" + second);
            ShellRun own = bash(linux.fleetCommands("0123456789ab").orElseThrow(), Map.of());
            assertThat(own.exit()).as(own.stderr()).isZero();
            assertThat(own.stdout()).isEmpty();
        } finally {
            for (Process p : new Process[] {command, looking, other}) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static Process tagged(String runId) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sleep", "60");
        pb.environment().put(OsCommands.RUN_TAG, runId);
        return pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
