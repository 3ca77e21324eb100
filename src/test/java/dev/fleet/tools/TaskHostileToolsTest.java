package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.TestSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long-running tasks as a hostile or unlucky user meets them: output that is huge, binary or made
 * of terminal control sequences, secrets in the output, links planted in the task folder. The
 * real wrapper runs under bash on a local member (and on a remote one behind the in-process SSH
 * server where the member's stored password matters).
 */
class TaskHostileToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;
    Path memberHome;
    Path work;
    final List<String[]> launched = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp, Map.of("FLEET_TASK_ACTIVITY_SEC", "1"));
        work = Files.createDirectories(tmp.resolve("local-work"));
        fleet.registerLocal("loc", work);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String[] t : launched) {
            fleet.call("stop_task", "member_name", t[0], "task_id", t[1]);
        }
        fleet.close();
        if (sshd != null) {
            sshd.close();
        }
    }

    private String launch(String member, String command, Object... more) {
        List<Object> args = new ArrayList<>(List.of("member_name", member, "command", command, "long_running", true));
        args.addAll(List.of(more));
        ToolResult r = fleet.call("execute_command", args.toArray());
        assertThat(r.isError()).as(r.text()).isFalse();
        String id = (String) ((Map<?, ?>) r.structured()).get("taskId");
        launched.add(new String[] {member, id});
        return id;
    }

    private ToolResult monitorResult(String member, String id) {
        return fleet.call("monitor_task", "member_name", member, "task_id", id);
    }

    private JsonNode monitor(String member, String id) throws IOException {
        ToolResult r = monitorResult(member, id);
        assertThat(r.isError()).as(r.text()).isFalse();
        return JSON.readTree(r.text());
    }

    private JsonNode awaitFinished(String member, String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            last[0] = monitor(member, id);
            assertThat(last[0].get("status").asText()).as(last[0].toPrettyString()).isIn("completed", "failed", "cancelled");
            assertThat(last[0].get("pidAlive").asBoolean()).isFalse();
        });
        return last[0];
    }

    private Path taskDir(String id) {
        return fleet.home.home().resolve(".fleet-tasks").resolve(id);
    }

    /**
     * Progress bars and long JSON lines make the last 50 lines of a log far larger than the
     * answer of one look at the member: the task's state must still be read, and the tail stays
     * bounded and ends with the newest output.
     */
    @Test
    void aLogOfLongLinesStillShowsTheTaskAndABoundedTail() throws Exception {
        String id = launch("loc", "for i in $(seq 60); do printf 'line-%s-' $i; head -c 3000 /dev/zero | tr '\\0' x; echo; done; "
                + "echo the-last-line");
        JsonNode done = awaitFinished("loc", id);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("exitCode").asInt()).isZero();
        String tail = done.get("logTail").asText();
        assertThat(tail.length()).isLessThanOrEqualTo(16 * 1024);
        assertThat(tail).contains("the-last-line", "task completed");
        assertThat(tail.lines().findFirst().orElseThrow()).as("the tail starts at a whole line").matches("(line-\\d+-x+|\\[fleet-task .*)");
    }

    /** One line of megabytes (a progress bar redrawn with carriage returns, never a newline). */
    @Test
    void aSingleHugeLineIsCutToABoundedTailAndTheTaskIsStillRead() throws Exception {
        String id = launch("loc", "for i in $(seq 20000); do printf 'progress %05d%%\\r' $i; done; touch loop-done; sleep 30");
        await().atMost(WAIT).until(() -> Files.exists(work.resolve("loop-done")));
        assertThat(Files.size(taskDir(id).resolve("task.log"))).isGreaterThan(200_000);
        ToolResult r = monitorResult("loc", id);
        assertThat(r.isError()).as(r.text().substring(0, Math.min(500, r.text().length()))).isFalse();
        JsonNode m = JSON.readTree(r.text());
        assertThat(m.get("status").asText()).isEqualTo("running");
        assertThat(m.get("pidAlive").asBoolean()).isTrue();
        String tail = m.get("logTail").asText();
        assertThat(tail.length()).isLessThanOrEqualTo(16 * 1024).isPositive();
        assertThat(tail.endsWith("progress 20000%\r")).as("the tail ends with the newest output").isTrue();
        assertThat(tail.startsWith("progress ")).as("the tail starts after a carriage return").isTrue();
    }
}
