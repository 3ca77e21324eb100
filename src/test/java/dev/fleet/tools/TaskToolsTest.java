package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long-running tasks through the tools, with the real wrapper run by bash: on a local member and
 * on a remote member behind the in-process SSH server (whose user has a home of its own). Tasks
 * mark activity every second here (FLEET_TASK_ACTIVITY_SEC=1).
 */
class TaskToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;
    Path memberHome;
    final List<String[]> launched = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A registered member: its name, the home its commands see, its work folder. */
    record Target(String name, Path home, Path work) {
    }

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp, Map.of("FLEET_TASK_ACTIVITY_SEC", "1"));
        memberHome = tmp.resolve("member-home");
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String[] t : launched) {
            fleet.call("stop_task", "member_name", t[0], "task_id", t[1]); // nothing may outlive the test
        }
        fleet.close();
        sshd.close();
    }

    private Target member(String kind) throws Exception {
        if (kind.equals("local")) {
            Path work = Files.createDirectories(tmp.resolve("local-work"));
            fleet.registerLocal("loc", work);
            return new Target("loc", fleet.home.home(), work);
        }
        Path key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        TestKeys.authorize(memberHome, key);
        Path work = memberHome.resolve("remote-work");
        ToolResult r = fleet.call("register_member", "friendly_name", "rem", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                "work_folder", work.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
        return new Target("rem", memberHome, work);
    }

    private String launch(Target t, String command, Object... more) {
        List<Object> args = new ArrayList<>(List.of("member_name", t.name(), "command", command, "long_running", true));
        args.addAll(List.of(more));
        ToolResult r = fleet.call("execute_command", args.toArray());
        assertThat(r.isError()).as(r.text()).isFalse();
        String id = (String) ((Map<?, ?>) r.structured()).get("taskId");
        assertThat(id).matches("task-[a-z0-9]{4,32}");
        launched.add(new String[] {t.name(), id});
        return id;
    }

    private JsonNode monitor(Target t, String id, Object... more) throws IOException {
        List<Object> args = new ArrayList<>(List.of("member_name", t.name(), "task_id", id));
        args.addAll(List.of(more));
        ToolResult r = fleet.call("monitor_task", args.toArray());
        assertThat(r.isError()).as(r.text()).isFalse();
        return JSON.readTree(r.text());
    }

    private JsonNode awaitStatus(Target t, String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            last[0] = monitor(t, id);
            assertThat(last[0].get("status").asText()).as(last[0].toPrettyString()).isEqualTo(status);
            if (List.of("completed", "failed", "cancelled").contains(status)) {
                // The wrapper records its final status, then exits: on a busy machine the two are apart.
                assertThat(last[0].get("pidAlive").asBoolean()).as("the wrapper has exited").isFalse();
            }
        });
        return last[0];
    }

    private static Path taskDir(Target t, String id) {
        return t.home().resolve(".fleet-tasks").resolve(id);
    }

    private static String log(Target t, String id) throws IOException {
        return Files.readString(taskDir(t, id).resolve("task.log"));
    }

    private static long pidOf(Target t, String id) throws IOException {
        return Long.parseLong(Files.readString(taskDir(t, id).resolve("task.pid")).strip());
    }

    /** Processes (not zombies) still carrying the task's tag in their environment. */
    private static List<Long> taggedProcesses(String id) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String env = Files.readString(p.resolve("environ"), StandardCharsets.ISO_8859_1);
                    if (("\0" + env).contains("\0FLEET_TASK_ID=" + id + "\0")) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone, or not ours to read
                }
            }
        }
        return pids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aTaskRunsDetachedUnderTheRealHomeAndCompletes(String kind) throws Exception {
        Target t = member(kind);
        ToolResult r = fleet.call("execute_command", "member_name", t.name(), "command", "echo hello from the task; echo to-stderr >&2",
                "long_running", true);
        assertThat(r.isError()).as(r.text()).isFalse();
        String id = (String) ((Map<?, ?>) r.structured()).get("taskId");
        launched.add(new String[] {t.name(), id});
        assertThat(r.text()).contains("Started task " + id, "monitor_task task_id=" + id, "stop_task");

        JsonNode done = awaitStatus(t, id, "completed");
        assertThat(done.get("exitCode").asInt()).isZero();
        assertThat(done.get("retries").asInt()).isZero();
        assertThat(done.get("pidAlive").asBoolean()).isFalse();
        assertThat(done.get("crashed").asBoolean()).isFalse();
        assertThat(done.get("logTail").asText()).contains("hello from the task", "to-stderr");
        assertThat(done.get("started").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        // $HOME really expanded on the member: no folder named '~' anywhere the command ran.
        Path dir = taskDir(t, id);
        assertThat(done.get("taskDir").asText()).isEqualTo(dir.toString());
        assertThat(dir.resolve("run.sh")).exists();
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(t.work().resolve("~")).doesNotExist();
        assertThat(Path.of("~")).doesNotExist();
        assertThat(dir.resolve("task.pid")).doesNotExist();
        JsonNode status = JSON.readTree(dir.resolve("status.json").toFile());
        assertThat(status.get("taskId").asText()).isEqualTo(id);
        assertThat(status.get("status").asText()).isEqualTo("completed");
        for (String field : new String[] {"started", "updated", "exitCode", "retries"}) {
            assertThat(status.has(field)).as(field).isTrue();
        }
    }

    /**
     * A task's command makes files as open as execute_command makes them: the wrapper keeps its
     * own files owner-only, but gives the command back the umask it was started with.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aTasksCommandMakesFilesWithTheUmaskExecuteCommandHas(String kind) throws Exception {
        Target t = member(kind);
        ToolResult direct = fleet.call("execute_command", "member_name", t.name(), "command", "umask; touch by-command");
        assertThat(direct.isError()).as(direct.text()).isFalse();
        String id = launch(t, "umask; touch by-task");
        awaitStatus(t, id, "completed");
        assertThat(Files.getPosixFilePermissions(t.work().resolve("by-task")))
                .as(log(t, id)).isEqualTo(Files.getPosixFilePermissions(t.work().resolve("by-command")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aFailureIsRetriedWithTheRestartCommand(String kind) throws Exception {
        Target t = member(kind);
        String id = launch(t, "echo original-run; exit 3", "restart_command", "echo resumed-from-checkpoint", "max_retries", 2);
        JsonNode done = awaitStatus(t, id, "completed");
        assertThat(done.get("retries").asInt()).isEqualTo(1);
        assertThat(done.get("exitCode").asInt()).isZero();

        String log = log(t, id);
        int first = log.indexOf("attempt 1: command");
        int original = log.indexOf("original-run");
        int ended = log.indexOf("attempt 1 ended with exit code 3");
        int retry = log.indexOf("retry 1 of 2: restart_command");
        int resumed = log.indexOf("resumed-from-checkpoint");
        assertThat(List.of(first, original, ended, retry, resumed)).as(log).doesNotContain(-1).isSorted();
        assertThat(log.split("original-run", -1)).as("the original ran once").hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void retriesRunOutAndTheTaskFailsWithItsExitCode(String kind) throws Exception {
        Target t = member(kind);
        String id = launch(t, "echo trying; exit 7", "max_retries", 2);
        JsonNode failed = awaitStatus(t, id, "failed");
        assertThat(failed.get("exitCode").asInt()).isEqualTo(7);
        assertThat(failed.get("retries").asInt()).isEqualTo(2);
        assertThat(failed.get("summary").asText()).contains("Failed with exit code 7 after 2 retries");
        String log = log(t, id);
        assertThat(log.split("trying", -1)).as("the command itself ran three times").hasSize(4);
        assertThat(log).contains("retry 2 of 2: command", "task failed");
    }

    /**
     * A task whose wrapper died unrecorded (an OOM kill, a reboot) still says running, and its
     * task.pid may name another process by now: stop_task signals no process group it has not
     * seen alive as this task's wrapper, and never "-1" (every process of the user).
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void stopTaskSignalsNoProcessGroupItDidNotSeeAliveAsTheTasksWrapper(String kind) throws Exception {
        Target t = member(kind);
        Process stranger = new ProcessBuilder("setsid", "sleep", "300").start();
        try {
            for (String[] task : new String[][] {{"task-abcd1234", String.valueOf(stranger.pid())}, {"task-efgh5678", "1"},
                {"task-ijkl9012", "0" + stranger.pid()}}) {
                Path d = Files.createDirectories(t.home().resolve(".fleet-tasks").resolve(task[0]));
                Files.writeString(d.resolve("status.json"), "{\"status\":\"running\",\"updated\":\"2026-12-01T00:00:00Z\"}");
                Files.writeString(d.resolve("task.pid"), task[1]);
                if (!task[1].equals(String.valueOf(stranger.pid()))) {
                    // Read with the same rule stop_task applies: checked first, so that a broken rule fails
                    // here rather than have stop_task signal "-1".
                    JsonNode seen = monitor(t, task[0]);
                    assertThat(seen.get("pid").isNull()).as(seen.toPrettyString()).isTrue();
                }
                ToolResult stop = fleet.call("stop_task", "member_name", t.name(), "task_id", task[0]);
                assertThat(stop.isError()).as(stop.text()).isFalse();
                assertThat(monitor(t, task[0]).get("status").asText()).isEqualTo("cancelled");
                assertThat(stranger.isAlive()).as("the process %s named in %s", task[1], task[0]).isTrue();
            }
        } finally {
            stranger.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aWrapperKilledFromOutsideIsReportedAsCrashedAndStopTaskCleansUp(String kind) throws Exception {
        Target t = member(kind);
        String id = launch(t, "echo working; sleep 60");
        await().atMost(WAIT).until(() -> monitor(t, id).get("pidAlive").asBoolean());
        ProcessHandle.of(pidOf(t, id)).orElseThrow().destroyForcibly(); // kill -9

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode m = monitor(t, id);
            assertThat(m.get("crashed").asBoolean()).as(m.toPrettyString()).isTrue();
            assertThat(m.get("status").asText()).isEqualTo("running");
            assertThat(m.get("pidAlive").asBoolean()).isFalse();
            assertThat(m.get("summary").asText()).contains("CRASHED");
        });
        assertThat(taggedProcesses(id)).as("its command outlived the wrapper").isNotEmpty();

        ToolResult stop = fleet.call("stop_task", "member_name", t.name(), "task_id", id);
        assertThat(stop.isError()).as(stop.text()).isFalse();
        assertThat(stop.text()).contains("Stopped task " + id, "status cancelled");
        await().atMost(WAIT).until(() -> taggedProcesses(id).isEmpty());
        JsonNode after = monitor(t, id);
        assertThat(after.get("status").asText()).isEqualTo("cancelled");
        assertThat(after.get("crashed").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void stopTaskEndsTheTaskAndNothingRetriesIt(String kind) throws Exception {
        Target t = member(kind);
        String id = launch(t, "echo started; sleep 60 & sleep 60; echo never", "max_retries", 3);
        // task.log appears when the wrapper starts, and the background sleep just after "started".
        await().atMost(WAIT).ignoreExceptions().until(() -> log(t, id).contains("started"));
        await().atMost(WAIT).until(() -> !taggedProcesses(id).isEmpty());

        ToolResult stop = fleet.call("stop_task", "member_name", t.name(), "task_id", id);
        assertThat(stop.isError()).as(stop.text()).isFalse();
        assertThat(((Map<?, ?>) stop.structured()).get("status")).isEqualTo("cancelled");
        assertThat(((Map<?, ?>) stop.structured()).get("stopped")).isEqualTo(true);
        assertThat(taggedProcesses(id)).as("the command and its children are gone").isEmpty();

        // A retry would have started within this time; the task must stay cancelled throughout.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> "cancelled".equals(monitor(t, id).get("status").asText()));
        JsonNode m = monitor(t, id);
        assertThat(m.get("status").asText()).isEqualTo("cancelled");
        assertThat(m.get("retries").asInt()).isZero();
        assertThat(m.get("stopRequested").asBoolean()).isTrue();
        assertThat(log(t, id)).contains("stop requested", "task cancelled").doesNotContain("never", "retry 1");

        ToolResult again = fleet.call("stop_task", "member_name", t.name(), "task_id", id);
        assertThat(again.text()).contains("had already finished (cancelled");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void outputWithQuotesAndNewlinesArrivesIntact(String kind) throws Exception {
        Target t = member(kind);
        String command = "printf '%s\\n' \"it's \\\"double\\\" and 'single'\" 'a $HOME `x` \\ b'\n"
                + "echo \"second line\"; echo 'ünïcødé ✓'\n"
                + "cat <<'EOF'\nheredoc $NOT_EXPANDED\n  indented\nEOF";
        String id = launch(t, command, "restart_command", "echo 'never used'");
        awaitStatus(t, id, "completed");
        String expected = "it's \"double\" and 'single'\na $HOME `x` \\ b\nsecond line\nünïcødé ✓\nheredoc $NOT_EXPANDED\n  indented\n";
        assertThat(log(t, id)).contains(expected);
        assertThat(monitor(t, id).get("logTail").asText()).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void theActivityMarkerIsRefreshedWhileTheTaskRuns(String kind) throws Exception {
        Target t = member(kind);
        String id = launch(t, "sleep 8");
        Path marker = taskDir(t, id).resolve("activity");
        await().atMost(WAIT).until(() -> Files.exists(marker));
        String first = Files.readString(marker);
        assertThat(first).matches("\\d+ 1\\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.readString(marker).equals(first));
        JsonNode m = monitor(t, id);
        assertThat(m.get("activityAgeSec").asLong()).isLessThanOrEqualTo(2);
        assertThat(m.get("activityIntervalSec").asInt()).isEqualTo(1);
        assertThat(m.get("pidAlive").asBoolean()).isTrue();

        // The shared live-task listing (used by the idle watcher) sees it, and stops seeing it once it ends.
        String list = OsCommands.forOs(MemberOs.LINUX).tasks().orElseThrow().liveTasks(2);
        assertThat(runAs(t.home(), list)).contains(id);
        fleet.call("stop_task", "member_name", t.name(), "task_id", id);
        assertThat(runAs(t.home(), list)).doesNotContain(id);
    }

    private static String runAs(Path home, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", script).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void gpuUseIsReportedAndOnlyTheTasksOwnProcessesCountAsOrphanedGpuMemory(String kind) throws Exception {
        Target t = member(kind);
        Path bin = Files.createDirectories(t.home().resolve(".local/bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\ncase \"$*\" in\n"
                + "  *query-gpu*) echo '87, 20000, 24576' ;;\n"
                + "  *query-compute-apps*) cat \"$HOME/.fake-gpu-apps\" 2>/dev/null ;;\n"
                + "  *) exit 2 ;;\nesac\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path apps = t.home().resolve(".fake-gpu-apps");

        // The task's worker outlives its wrapper (a DataLoader worker that was not reaped); another
        // job on the machine, not started by the task, holds GPU memory too.
        String id = launch(t, "sleep 300 & echo $! > worker.pid; wait");
        await().atMost(WAIT).until(() -> monitor(t, id).get("pidAlive").asBoolean() && Files.exists(t.work().resolve("worker.pid")));
        long worker = Long.parseLong(Files.readString(t.work().resolve("worker.pid")).strip());
        Process otherJob = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(apps, worker + ", 19000\n" + otherJob.pid() + ", 5000\n");
            JsonNode running = monitor(t, id);
            assertThat(running.get("gpuUtilization").asInt()).isEqualTo(87);
            assertThat(running.get("gpuMemoryTotalMiB").asLong()).isEqualTo(24576);
            assertThat(running.get("orphanedGpuMemory").asBoolean()).as("the task's own process holds it").isFalse();

            // The wrapper dies (killed, as by the out-of-memory killer); its worker keeps the memory.
            new ProcessBuilder("kill", "-KILL", running.get("pid").asText()).start().waitFor(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> !monitor(t, id).get("pidAlive").asBoolean());
            JsonNode orphaned = monitor(t, id);
            assertThat(orphaned.get("orphanedGpuMemory").asBoolean()).as(orphaned.toPrettyString()).isTrue();
            assertThat(orphaned.get("gpuProcesses")).hasSize(2);
            assertThat(orphaned.get("gpuProcesses").get(0).get("pid").asLong()).isEqualTo(worker);
            assertThat(orphaned.get("gpuProcesses").get(0).get("usedMemoryMiB").asLong()).isEqualTo(19000);
            assertThat(orphaned.get("gpuProcesses").get(0).get("ofTask").asBoolean()).isTrue();
            assertThat(orphaned.get("gpuProcesses").get(1).get("ofTask").asBoolean()).isFalse();
            assertThat(orphaned.get("summary").asText()).contains("ORPHANED GPU MEMORY", "19000 MiB", String.valueOf(worker))
                    .doesNotContain(String.valueOf(otherJob.pid()));

            // Only the other job holds GPU memory now: that is not this task's to free.
            Files.writeString(apps, otherJob.pid() + ", 5000\n");
            JsonNode others = monitor(t, id);
            assertThat(others.get("orphanedGpuMemory").asBoolean()).as(others.toPrettyString()).isFalse();
            assertThat(others.get("summary").asText()).doesNotContain("ORPHANED");
        } finally {
            otherJob.destroyForcibly();
        }
    }

    @Test
    void withoutAGpuToolTheGpuFieldsAreEmpty() throws Exception {
        Target t = member("local");
        String id = launch(t, "true");
        JsonNode done = awaitStatus(t, id, "completed");
        assertThat(done.get("gpuUtilization").isNull()).isTrue();
        assertThat(done.get("orphanedGpuMemory").asBoolean()).isFalse();
        assertThat(done.get("autoStop")).isNull();
        JsonNode auto = monitor(t, id, "auto_stop", true);
        assertThat(auto.get("autoStop").asText()).contains("does not apply", "not a cloud member");
    }

    @Test
    void twoLaunchesAtOnceGetDistinctIdsAndBothRun() throws Exception {
        Target t = member("local");
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            calls.add(CompletableFuture.supplyAsync(() -> launch(t, "echo run-" + n)));
        }
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<String> c : calls) {
            ids.add(c.get(60, TimeUnit.SECONDS));
        }
        assertThat(ids).doesNotHaveDuplicates();
        for (int i = 0; i < ids.size(); i++) {
            awaitStatus(t, ids.get(i), "completed");
            assertThat(log(t, ids.get(i))).contains("run-" + i);
        }
    }

    @Test
    void badTaskIdsAndMisplacedParametersAreRefused() throws Exception {
        Target t = member("local");
        for (String bad : new String[] {"../../etc", "task-", "task-abc", "task-ABCD", "task-abcd;rm -rf ~", "job-abcd",
                "task-" + "a".repeat(33)}) {
            for (String tool : new String[] {"monitor_task", "stop_task"}) {
                ToolResult r = fleet.call(tool, "member_name", t.name(), "task_id", bad);
                assertThat(r.isError()).as(tool + " " + bad).isTrue();
                assertThat(r.text()).startsWith("Invalid input: task_id");
            }
        }
        ToolResult missing = fleet.call("monitor_task", "member_name", t.name(), "task_id", "task-nosuchtask");
        assertThat(missing.isError()).isTrue();
        assertThat(missing.text()).contains("task_id", "names no task on loc");
        assertThat(fleet.call("stop_task", "member_name", t.name(), "task_id", "task-nosuchtask").text())
                .contains("names no task");
        assertThat(fleet.call("monitor_task", "member_name", t.name()).text()).contains("task_id is required");

        assertThat(fleet.call("execute_command", "member_name", t.name(), "command", "true", "max_retries", 2).text())
                .contains("max_retries applies only with long_running=true");
        assertThat(fleet.call("execute_command", "member_name", t.name(), "command", "true", "restart_command", "x").text())
                .contains("restart_command applies only with long_running=true");
        assertThat(fleet.call("execute_command", "member_name", t.name(), "command", "true", "long_running", true,
                "timeout_ms", 5000).text()).contains("timeout_ms does not apply with long_running=true");
        assertThat(fleet.call("execute_command", "member_name", t.name(), "command", "true", "long_running", true,
                "max_retries", 11).text()).contains("max_retries must be from 0 to 10");
        assertThat(Files.exists(fleet.home.home().resolve(".fleet-tasks"))).isFalse();
    }
}
