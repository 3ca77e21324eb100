package dev.fleet.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskIdTest {
    @Test
    void idsMadeInTheSameMillisecondDifferAndAllMatchThePattern() {
        Clock frozen = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
        TaskId.Generator one = new TaskId.Generator(frozen);
        TaskId.Generator other = new TaskId.Generator(frozen); // a second fleet process
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            for (TaskId id : new TaskId[] {one.next(), other.next()}) {
                assertThat(id.value()).matches(TaskId.REGEX);
                assertThat(seen.add(id.value())).as(id.value()).isTrue();
            }
        }
    }

    @Test
    void onlyWellFormedIdsAreAccepted() {
        assertThat(TaskId.isValid("task-abcd")).isTrue();
        assertThat(TaskId.isValid("task-" + "z9".repeat(16))).isTrue();
        for (String bad : new String[] {null, "", "task-abc", "task-ABCD", "task-ab/cd", "task-../x", " task-abcd",
                "task-abcd\n", "task-" + "a".repeat(33), "tasks-abcd"}) {
            assertThat(TaskId.isValid(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThatThrownBy(() -> new TaskId("../../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void windowsMembersGetAClearRefusal() {
        Member win = Member.builder().id("w").friendlyName("winbox").agentType(AgentType.REMOTE).os(MemberOs.WINDOWS).build();
        assertThat(OsCommands.forOs(MemberOs.WINDOWS).tasks()).isEmpty();
        assertThatThrownBy(() -> TaskLauncher.taskCommands(win)).isInstanceOf(TaskException.class)
                .hasMessageContaining("winbox is a windows member: long-running tasks are not supported there");
        assertThat(OsCommands.forOs(MemberOs.LINUX).tasks()).isPresent();
        assertThat(OsCommands.forOs(MemberOs.MACOS).tasks()).isPresent();
    }

    @Test
    void aReportIsParsedSectionBySectionAndTheLogKeepsWhatLooksLikeMarkers() {
        String out = """
                @@fleet-task:dir
                /home/u/.fleet-tasks/task-abcd
                @@fleet-task:pid
                4321 dead
                @@fleet-task:status
                {"taskId":"task-abcd","status":"running","started":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:01:00Z","exitCode":null,"retries":0,"maxRetries":3,"pid":4321,"activityIntervalSec":300}

                @@fleet-task:activity
                1000 300
                now 1090
                @@fleet-task:cancel
                @@fleet-task:gpu
                No devices were found
                unavailable
                @@fleet-task:gpu-apps
                1234, 19000
                5678, [N/A]
                @@fleet-task:log
                line one
                @@fleet-task:status
                last line
                """;
        TaskReport r = TaskReport.parse(new TaskId("task-abcd"), out, 10_000).orElseThrow();
        assertThat(r.taskDir()).isEqualTo("/home/u/.fleet-tasks/task-abcd");
        assertThat(r.pid()).isEqualTo(4321);
        assertThat(r.pidAlive()).isFalse();
        assertThat(r.status().orElseThrow().status()).isEqualTo("running");
        assertThat(r.status().orElseThrow().exitCode()).isNull();
        assertThat(r.crashed()).isTrue();
        assertThat(r.activityAgeSec()).isEqualTo(90);
        assertThat(r.activityIntervalSec()).isEqualTo(300);
        assertThat(r.gpu()).isEmpty();
        assertThat(r.gpuProcesses()).containsExactly(new TaskReport.GpuProcess(1234, 19000));
        assertThat(r.orphanedGpuMemory()).isTrue();
        assertThat(r.logTail()).isEqualTo("line one\n@@fleet-task:status\nlast line\n");

        assertThat(TaskReport.parse(new TaskId("task-abcd"), "@@fleet-task:missing\n", 100)).isEmpty();
        String longLog = "@@fleet-task:dir\n/d\n@@fleet-task:log\n" + "x".repeat(50) + "\n" + "tail line\n";
        assertThat(TaskReport.parse(new TaskId("task-abcd"), longLog, 20).orElseThrow().logTail()).isEqualTo("tail line\n");
    }
}
