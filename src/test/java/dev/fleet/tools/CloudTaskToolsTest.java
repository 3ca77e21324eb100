package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long-running tasks on a cloud member (simulated EC2 whose instance runs an in-process SSH
 * server): monitor_task with auto_stop stops the instance once the task is done, and never starts
 * a stopped instance just to stop it.
 */
class CloudTaskToolsTest {
    static final String ID = "i-0123456789abcdef0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 21, Clock.systemUTC(), Map.of("FLEET_TASK_ACTIVITY_SEC", "1"));
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    /** A running instance whose stop takes its SSH server down (and whose start would bring one up). */
    private FakeEc2.SimInstance runningMachine() throws Exception {
        return sim.cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
    }

    /** The cloud member "gpu" on the instance, its work folder train/. */
    private void registerGpu() {
        ToolResult reg = call("register_member", "friendly_name", "gpu", "member_type", "remote", "username", TestSshServer.USER,
                "port", sim.sshPort, "work_folder", sim.memberHome.resolve("train").toString(), "cloud_provider", "aws",
                "cloud_instance_id", ID, "cloud_region", "us-east-1", "cloud_ssh_key_path", sim.key.toString());
        assertThat(reg.isError()).as(reg.text()).isFalse();
    }

    private ToolResult call(String tool, Object... kv) {
        return sim.call(tool, kv);
    }

    private String launch(String command) {
        ToolResult r = call("execute_command", "member_name", "gpu", "command", command, "long_running", true);
        assertThat(r.isError()).as(r.text()).isFalse();
        return (String) ((Map<?, ?>) r.structured()).get("taskId");
    }

    private JsonNode monitor(String id, boolean autoStop) throws Exception {
        ToolResult r = call("monitor_task", "member_name", "gpu", "task_id", id, "auto_stop", autoStop);
        assertThat(r.isError()).as(r.text()).isFalse();
        return JSON.readTree(r.text());
    }

    /**
     * A task leaves fleet's record of calls in flight once launched; cloud_control stop still
     * refuses while it runs on the instance (it would be cut off), unless force=true.
     */
    @Test
    void anExplicitStopIsRefusedWhileAFleetTaskRunsUnlessForced() throws Exception {
        FakeEc2.SimInstance instance = runningMachine();
        registerGpu();
        String training = launch("sleep 60");
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor(training, false).get("status").asText().equals("running"));

        ToolResult refused = call("cloud_control", "member_name", "gpu", "action", "stop");
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("refused", "1 live fleet task", training, "force=true");
        assertThat(sim.ec2.requests("StopInstances")).isZero();

        ToolResult forced = call("cloud_control", "member_name", "gpu", "action", "stop", "force", true);
        assertThat(forced.isError()).as(forced.text()).isFalse();
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
        assertThat(instance.state()).isIn(FakeEc2.State.STOPPING, FakeEc2.State.STOPPED);
    }

    /**
     * The task is done but the machine is not idle: a job an earlier command left running in the
     * background (tagged like every fleet command) keeps auto_stop from stopping it, as it keeps
     * the idle watcher from doing so.
     */
    @Test
    void autoStopLeavesAnInstanceThatStillWorksRunning() throws Exception {
        runningMachine();
        registerGpu();
        ToolResult background = call("execute_command", "member_name", "gpu", "command", "nohup sleep 60 >/dev/null 2>&1 & echo $! > background.pid");
        assertThat(background.isError()).as(background.text()).isFalse();
        String done = launch("echo trained");
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor(done, false).get("status").asText().equals("completed"));

        JsonNode seen = monitor(done, true);
        assertThat(seen.get("autoStop").asText()).startsWith("not stopped: the instance is still working")
                .contains("fleet command");
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        call("execute_command", "member_name", "gpu", "command", "kill $(cat background.pid)");
    }

    /**
     * auto_stop looks at the machine for a few seconds (here its activity command takes 3 s); a
     * call that used the member meanwhile and was over before the stop keeps the instance, as it
     * keeps it from the idle watcher: both take the same decision (IdleStop).
     */
    @Test
    void autoStopLeavesAnInstanceThatACallUsedWhileItWasChecked() throws Exception {
        runningMachine();
        registerGpu();
        Path checking = sim.memberHome.resolve("train/checking");
        ToolResult update = call("update_member", "member_name", "gpu",
                "cloud_activity_command", "touch " + checking + "; sleep 3; echo idle");
        assertThat(update.isError()).as(update.text()).isFalse();
        String done = launch("echo trained");
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor(done, false).get("status").asText().equals("completed"));

        CompletableFuture<JsonNode> seen = CompletableFuture.supplyAsync(() -> {
            try {
                return monitor(done, true);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(checking));
        assertThat(call("execute_command", "member_name", "gpu", "command", "echo quick").text()).contains("quick");
        assertThat(seen.get(60, TimeUnit.SECONDS).get("autoStop").asText())
                .isEqualTo("not stopped: another fleet call used the instance while it was checked");
        assertThat(sim.ec2.requests("StopInstances")).isZero();
    }

    /**
     * A task whose command starts a job in the background and returns (a launch script, `docker
     * compose up -d` style) is completed while the job runs: the job still carries a fleet run id,
     * so auto_stop keeps the instance, and stops it once the job has ended.
     */
    @Test
    void autoStopKeepsTheInstanceWhileAJobACompletedTaskLeftRunningWorks() throws Exception {
        runningMachine();
        registerGpu();
        Path done = sim.memberHome.resolve("train/job-done");
        String task = launch("nohup sh -c 'sleep 4; touch job-done' > /dev/null 2>&1 & echo launched");
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor(task, false).get("status").asText().equals("completed"));

        JsonNode held = monitor(task, true);
        assertThat(held.get("autoStop").asText()).contains("not stopped", "fleet command");
        assertThat(sim.ec2.requests("StopInstances")).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(done));
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor(task, true).get("autoStop").asText().startsWith("stopped instance"));
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
    }

    @Test
    void autoStopStopsTheInstanceOnceTheTaskIsDoneAndNeverStartsItAgainForThat() throws Exception {
        FakeEc2.SimInstance instance = runningMachine();
        registerGpu();

        String training = launch("echo epoch 1; sleep 3; echo trained");
        assertThat(sim.memberHome.resolve(".fleet-tasks/" + training + "/run.sh")).exists();

        // Still running: auto_stop waits.
        JsonNode early = monitor(training, true);
        assertThat(early.get("status").asText()).isEqualTo("running");
        assertThat(early.get("autoStop").asText()).startsWith("not yet");
        assertThat(sim.ec2.requests("StopInstances")).isZero();

        // A second task that still runs holds the instance even after the first is done.
        String other = launch("sleep 60");
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor(training, false).get("status").asText().equals("completed"));
        JsonNode held = monitor(training, true);
        assertThat(held.get("autoStop").asText()).contains("not stopped", other);
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(call("stop_task", "member_name", "gpu", "task_id", other).isError()).isFalse();

        JsonNode done = monitor(training, true);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("logTail").asText()).contains("trained");
        assertThat(done.get("autoStop").asText()).contains("stopped instance " + ID);
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
        assertThat(instance.state()).isIn(FakeEc2.State.STOPPING, FakeEc2.State.STOPPED);

        // Asked again while it is stopping or stopped: nothing is started, nothing stopped twice.
        JsonNode again = monitor(training, true);
        assertThat(again.get("autoStop").asText()).contains("nothing to do", "already");
        assertThat(again.get("summary").asText()).contains("not started");
        await().atMost(Duration.ofSeconds(10)).until(() -> instance.state() == FakeEc2.State.STOPPED);
        assertThat(monitor(training, true).get("instanceState").asText()).isEqualTo("stopped");
        ToolResult stop = call("stop_task", "member_name", "gpu", "task_id", training);
        assertThat(stop.text()).contains("Nothing to stop", "stopped");
        assertThat(sim.ec2.requests("StartInstances")).isZero();
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);

        // Without auto_stop, monitor_task ensures the instance is ready like execute_command, and reads the task.
        JsonNode woken = monitor(training, false);
        assertThat(woken.get("status").asText()).isEqualTo("completed");
        assertThat(sim.ec2.requests("StartInstances")).isEqualTo(1);
    }
}
