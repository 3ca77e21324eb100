package dev.fleet.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskReportTest {
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
                1234, 19000, task
                5678, [N/A], task
                9999, 4000, other
                @@fleet-task:log
                line one
                @@fleet-task:status
                last line
                """;
        TaskReport r = TaskReport.parse(new TaskId("task-abcd"), out, 10_000).orElseThrow();
        assertThat(r.taskDir()).isEqualTo("/home/u/.fleet-tasks/task-abcd");
        assertThat(r.pid()).isEqualTo(4321);
        assertThat(r.pidAlive()).isFalse();
        assertThat(r.status().orElseThrow().status()).isEqualTo(TaskState.RUNNING);
        assertThat(r.status().orElseThrow().exitCode()).isNull();
        assertThat(r.crashed()).isTrue();
        assertThat(r.activityAgeSec()).isEqualTo(90);
        assertThat(r.activityIntervalSec()).isEqualTo(300);
        assertThat(r.gpu()).isEmpty();
        assertThat(r.gpuProcesses()).containsExactly(new TaskReport.GpuProcess(1234, 19000, true),
                new TaskReport.GpuProcess(9999, 4000, false));
        assertThat(r.orphanedGpuMemory()).isTrue();
        assertThat(r.gpuMemoryHeldMiB()).as("only the task's own").isEqualTo(19000);
        assertThat(r.logTail()).isEqualTo("line one\n@@fleet-task:status\nlast line\n");

        assertThat(TaskReport.parse(new TaskId("task-abcd"), "@@fleet-task:missing\n", 100)).isEmpty();
        String longLog = "@@fleet-task:dir\n/d\n@@fleet-task:log\n" + "x".repeat(50) + "\n" + "tail line\n";
        assertThat(TaskReport.parse(new TaskId("task-abcd"), longLog, 20).orElseThrow().logTail()).isEqualTo("tail line\n");
    }

    @Test
    void aCutLogStartsAfterALineBreakSoNoCutLineStartIsShown() {
        // Cut here: the newest characters, from the first break on (a carriage return counts).
        assertThat(TaskReport.tail("secret-end\nkept\n", 12, Integer.MAX_VALUE)).isEqualTo("kept\n");
        assertThat(TaskReport.tail("xx-secret-end\rprogress 9%\rprogress 10%", 30, Integer.MAX_VALUE))
                .isEqualTo("progress 9%\rprogress 10%");
        assertThat(TaskReport.tail("ab-end\r\nnext\n", 12, Integer.MAX_VALUE)).isEqualTo("next\n");
        // Cut on the member (it read only the last bytes): the first line may be partial, though short here.
        assertThat(TaskReport.tail("ret-end\nwhole line\n", 1000, 19)).isEqualTo("whole line\n");
        assertThat(TaskReport.tail("short\nlog\n", 1000, 100)).isEqualTo("short\nlog\n");
        // One line longer than the bound: its end is kept, never half a character.
        assertThat(TaskReport.tail("a\uD83D\uDE00bcd", 4, Integer.MAX_VALUE)).isEqualTo("bcd");
        // One line without a break, cut inside a word (maybe a secret's end): it starts after that word.
        assertThat(TaskReport.tail("{\"token\":\"ghp_secretEnd\",\"step\":7}", 21, Integer.MAX_VALUE)).isEqualTo(",\"step\":7}");
    }
}
