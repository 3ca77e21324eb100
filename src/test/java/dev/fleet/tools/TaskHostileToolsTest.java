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

    /**
     * The task folder is fleet's own, but whatever runs as the member's user can plant links in
     * it: neither the wrapper, nor monitor_task, nor stop_task may read or write through them.
     */
    @Test
    void linksPlantedInATaskFolderAreNeverFollowed() throws Exception {
        Path secretFile = Files.writeString(tmp.resolve("outside-notes.txt"), "outside content\n");
        Path keep = Files.writeString(tmp.resolve("outside-keep.txt"), "keep me\n");
        String id = launch("loc", "sleep 60");
        await().atMost(WAIT).until(() -> monitor("loc", id).get("pidAlive").asBoolean());
        Path d = taskDir(id);
        Files.delete(d.resolve("task.log"));
        Files.createSymbolicLink(d.resolve("task.log"), secretFile);
        Files.createSymbolicLink(d.resolve("cancel"), keep);
        Files.createSymbolicLink(d.resolve("activity.tmp"), keep);
        Files.createSymbolicLink(d.resolve("status.json.tmp"), keep);

        JsonNode seen = monitor("loc", id);
        assertThat(seen.get("logTail").asText()).doesNotContain("outside content").contains("symbolic link", "not read");
        assertThat(seen.get("stopRequested").asBoolean()).as("a planted cancel link is no stop request").isFalse();
        // The wrapper rewrites its activity marker every second: it does so beside the link, not through it.
        String mark = Files.readString(d.resolve("activity"));
        await().atMost(WAIT).until(() -> !Files.readString(d.resolve("activity")).equals(mark));
        assertThat(seen.get("status").asText()).isEqualTo("running");

        ToolResult stop = fleet.call("stop_task", "member_name", "loc", "task_id", id);
        assertThat(stop.isError()).as(stop.text()).isFalse();
        assertThat(monitor("loc", id).get("status").asText()).isEqualTo("cancelled");
        assertThat(Files.readString(secretFile)).isEqualTo("outside content\n");
        assertThat(Files.readString(keep)).isEqualTo("keep me\n");
        assertThat(Files.isSymbolicLink(d.resolve("cancel"))).isFalse();
    }

    /** A wrapper that died leaves stop_task to record the end itself: not through planted links either. */
    @Test
    void stopTaskRecordsACrashedTaskBesidePlantedLinks() throws Exception {
        Path secretFile = Files.writeString(tmp.resolve("outside-notes.txt"), "outside content\n");
        Path keep = Files.writeString(tmp.resolve("outside-keep.txt"), "keep me\n");
        String id = launch("loc", "sleep 60");
        await().atMost(WAIT).until(() -> monitor("loc", id).get("pidAlive").asBoolean());
        Path d = taskDir(id);
        ProcessHandle.of(Long.parseLong(Files.readString(d.resolve("task.pid")).strip())).orElseThrow().destroyForcibly();
        await().atMost(WAIT).until(() -> monitor("loc", id).get("crashed").asBoolean());
        Files.delete(d.resolve("task.log"));
        Files.createSymbolicLink(d.resolve("task.log"), secretFile);
        Files.createSymbolicLink(d.resolve("status.json.tmp"), keep);

        ToolResult stop = fleet.call("stop_task", "member_name", "loc", "task_id", id);
        assertThat(stop.isError()).as(stop.text()).isFalse();
        assertThat(monitor("loc", id).get("status").asText()).isEqualTo("cancelled");
        assertThat(Files.readString(secretFile)).isEqualTo("outside content\n");
        assertThat(Files.readString(keep)).isEqualTo("keep me\n");
        assertThat(Files.readString(d.resolve("task.log"))).contains("task cancelled by stop_task");
    }

    /** A task folder that is itself a link was not made by fleet: refused by name, nothing behind it touched. */
    @Test
    void aTaskFolderThatIsALinkIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("status.json"), "{\"status\":\"running\"}");
        Files.writeString(elsewhere.resolve("task.log"), "outside content\n");
        Path tasks = Files.createDirectories(fleet.home.home().resolve(".fleet-tasks"));
        Files.createSymbolicLink(tasks.resolve("task-linked1234"), elsewhere);

        for (String tool : new String[] {"monitor_task", "stop_task"}) {
            ToolResult r = fleet.call(tool, "member_name", "loc", "task_id", "task-linked1234");
            assertThat(r.isError()).as(tool).isTrue();
            assertThat(r.text()).as(tool).contains("is a symbolic link", "not followed").doesNotContain("outside content");
        }
        try (var left = Files.list(elsewhere)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("status.json", "task.log");
        }
        assertThat(Files.readString(elsewhere.resolve("status.json"))).isEqualTo("{\"status\":\"running\"}");
    }

    /**
     * The folder of every task is fleet's too: one planted as a link is refused by launch and by
     * each look, and the folder it points at gets no task folder and keeps its permissions.
     */
    @Test
    void aLinkedFolderOfTasksIsRefusedAndWhatItPointsAtIsLeftAlone() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere-tasks"));
        Files.setPosixFilePermissions(elsewhere, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path taskDir = Files.createDirectories(elsewhere.resolve("task-planted1234"));
        Files.writeString(taskDir.resolve("status.json"), "{\"status\":\"running\"}");
        Files.writeString(taskDir.resolve("task.log"), "outside content\n");
        Files.createSymbolicLink(fleet.home.home().resolve(".fleet-tasks"), elsewhere);

        ToolResult launch = fleet.call("execute_command", "member_name", "loc", "command", "echo hi", "long_running", true);
        assertThat(launch.isError()).isTrue();
        assertThat(launch.text()).contains(".fleet-tasks is a symbolic link", "not followed");
        for (String tool : new String[] {"monitor_task", "stop_task"}) {
            ToolResult r = fleet.call(tool, "member_name", "loc", "task_id", "task-planted1234");
            assertThat(r.isError()).as(tool).isTrue();
            assertThat(r.text()).as(tool).contains(".fleet-tasks is a symbolic link").doesNotContain("outside content");
        }
        ToolResult status = fleet.call("fleet_status");
        assertThat(status.isError()).as(status.text()).isFalse();

        try (var left = Files.list(elsewhere)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactly("task-planted1234");
        }
        try (var left = Files.list(taskDir)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("status.json", "task.log");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere)))
                .isEqualTo("rwxr-xr-x");
    }

    /**
     * A task that keeps planting a link in its log's place while the wrapper notes its attempts:
     * the wrapper writes through the log it opened before the task began, never through the link.
     * (Before, it removed a link and then opened the log by name, and the task won that race.)
     */
    @Test
    void aLinkTheTaskKeepsPlantingAtItsLogIsNeverWrittenThrough() throws Exception {
        Path outside = tmp.resolve("outside-log-target");
        Path started = tmp.resolve("planters-started");
        Path ended = tmp.resolve("planters-ended");
        // Each attempt leaves a planter behind: bounded in count, and ending once the wrapper has
        // (a wrapper left a zombie by a parent that does not reap counts as ended). Each attempt
        // notes its planter before starting it, and the planter notes its own end.
        String id = launch("loc", "d=\"$HOME/.fleet-tasks/$FLEET_TASK_ID\"; w=$(cat \"$d/task.pid\"); echo >> " + started + "; "
                + "( i=0; while [ \"$i\" -lt 3000 ]; do case \"$(ps -o stat= -p \"$w\" 2>/dev/null)\" in ''|*Z*) break ;; esac; "
                + "ln -sfn " + outside + " \"$d/task.log\"; i=$((i+1)); done; echo >> " + ended + " ) & sleep 0.2; exit 1",
                "max_retries", 4);

        JsonNode done = awaitFinished("loc", id);
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(done.get("retries").asInt()).isEqualTo(4);
        assertThat(outside).doesNotExist();
        // The folder is left to the clean-up once every planter has ended; under load that can take a while.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(Files.readAllLines(ended)).hasSameSizeAs(Files.readAllLines(started)).hasSize(5));
        assertThat(outside).doesNotExist();
    }

    /** A password fleet holds for the member, printed by the task (as is and base64-encoded), is starred in monitor_task. */
    @Test
    void aSecretFleetHoldsForTheMemberIsStarredInTheLogTail() throws Exception {
        memberHome = tmp.resolve("member-home");
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start();
        Path remoteWork = Files.createDirectories(memberHome.resolve("remote-work"));
        ToolResult reg = fleet.call("register_member", "friendly_name", "pw", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password", "password", TestSshServer.PASSWORD,
                "work_folder", remoteWork.toString());
        assertThat(reg.isError()).as(reg.text()).isFalse();
        Files.writeString(remoteWork.resolve("leak.txt"), TestSshServer.PASSWORD);
        String id = launch("pw", "printf 'pw=%s\\n' \"$(cat leak.txt)\"; printf 'b64=%s\\n' \"$(base64 < leak.txt)\"; exit 2",
                "max_retries", 0);
        JsonNode done = awaitFinished("pw", id);
        assertThat(done.get("status").asText()).isEqualTo("failed");
        String tail = done.get("logTail").asText();
        assertThat(tail).contains("pw=" + Redaction.STARS, "b64=" + Redaction.STARS);
        ToolResult raw = monitorResult("pw", id);
        String b64 = java.util.Base64.getEncoder().encodeToString(TestSshServer.PASSWORD.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(raw.text()).doesNotContain(TestSshServer.PASSWORD, b64);
        assertThat(String.valueOf(raw.structured())).doesNotContain(TestSshServer.PASSWORD, b64);
    }

    /**
     * A malformed task id is refused by name and rule; the value it quotes back is bounded and
     * shows control characters escaped, so a hostile id can neither flood the answer nor drive
     * the terminal that shows it.
     */
    @Test
    void aMalformedTaskIdIsQuotedBackBoundedAndWithoutControlCharacters() throws Exception {
        for (String bad : new String[] {"task-" + "a".repeat(100_000), "task-abcd\u001b]0;owned\u0007\u001b[2J\nfake: line",
            "task-ａｂｃｄ", "TASK-ABCD", "task-abcd/../../x"}) {
            for (String tool : new String[] {"monitor_task", "stop_task"}) {
                ToolResult r = fleet.call(tool, "member_name", "loc", "task_id", bad);
                assertThat(r.isError()).isTrue();
                assertThat(r.text()).as(tool).startsWith("Invalid input: task_id must be task- followed by 4 to 32 lowercase");
                assertThat(r.text().length()).as(tool + ": the answer stays short").isLessThan(400);
                assertThat(r.text()).as(tool).doesNotContain("\u001b", "\u0007", "\n");
            }
        }
        assertThat(fleet.home.home().resolve(".fleet-tasks")).doesNotExist();
    }
}
