package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.Fleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume after restart on a simulated cloud: the instance "loses power" under a long-running task
 * (its processes are killed, the instance is stopped); the next start relaunches the task once
 * with its restart_command, and a second interruption leaves it interrupted.
 */
class TaskResumeToolsTest {
    static final String ID = "i-0123456789abcdef9";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    Fleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 91);
        Map<String, String> env = cloud.env();
        env.put("FLEET_TASK_ACTIVITY_SEC", "1");
        fleet = new Fleet(env, Clock.systemUTC(), () -> { });
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        ToolResult reg = call("register_member", "friendly_name", "gpu", "member_type", "remote", "username", TestSshServer.USER,
                "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("train").toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", cloud.key.toString());
        assertThat(reg.isError()).as(reg.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        cloud.close();
    }

    private ToolResult call(String tool, Object... kv) {
        return FleetHarness.call(fleet, tool, kv);
    }

    private JsonNode monitor(String id) throws Exception {
        ToolResult r = call("monitor_task", "member_name", "gpu", "task_id", id);
        assertThat(r.isError()).as(r.text()).isFalse();
        return JSON.readTree(r.text());
    }

    /** What a stop does to a running machine: every process of the task ends, then the instance is stopped. */
    private void powerLoss(String id) throws Exception {
        Path dir = cloud.memberHome.resolve(".fleet-tasks/" + id);
        long pid = Long.parseLong(Files.readString(dir.resolve("task.pid")).strip());
        ProcessHandle.of(pid).ifPresent(wrapper -> {
            // The wrapper first, as a power loss takes all at once: killed after its command, it could
            // still record the command's end (and a retry) in the moment between.
            java.util.List<ProcessHandle> tree = wrapper.descendants().toList();
            wrapper.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        // Forced: the task's activity marker is still fresh, and an explicit stop refuses while a task looks live.
        assertThat(call("cloud_control", "member_name", "gpu", "action", "stop", "force", true).isError()).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> cloud.ec2.instance(ID).state() == FakeEc2.State.STOPPED);
    }

    @Test
    void anInterruptedTaskIsRelaunchedOnceWithItsRestartCommandOnTheNextStart() throws Exception {
        ToolResult launched = call("execute_command", "member_name", "gpu", "long_running", true, "resume_on_restart", true,
                "command", "echo first-run; sleep 600", "restart_command", "echo resumed-from-checkpoint; sleep 600");
        assertThat(launched.isError()).as(launched.text()).isFalse();
        assertThat(launched.text()).contains("relaunched once with restart_command when fleet next starts the instance");
        String id = (String) ((Map<?, ?>) launched.structured()).get("taskId");
        assertThat(cloud.memberHome.resolve(".fleet-tasks/" + id + "/resume-on-restart")).exists();
        await().atMost(Duration.ofSeconds(20)).until(() -> monitor(id).get("logTail").asText().contains("first-run"));

        powerLoss(id);
        // monitor_task starts the instance (like every call); the start relaunches the task.
        JsonNode resumed = monitor(id);
        assertThat(cloud.ec2.requests("StartInstances")).isEqualTo(1);
        assertThat(resumed.get("status").asText()).isEqualTo("resumed");
        assertThat(resumed.get("crashed").asBoolean()).isFalse();
        assertThat(resumed.get("summary").asText()).contains("Resumed", "interrupted");
        assertThat(resumed.get("logTail").asText()).contains("interrupted by an instance stop; relaunched once with restart_command");
        await().atMost(Duration.ofSeconds(20)).until(() -> monitor(id).get("logTail").asText().contains("resumed-from-checkpoint"));
        assertThat(monitor(id).get("pidAlive").asBoolean()).isTrue();

        // Once: a second interruption leaves it interrupted.
        powerLoss(id);
        JsonNode interrupted = monitor(id);
        assertThat(interrupted.get("status").asText()).isEqualTo("interrupted");
        assertThat(interrupted.get("crashed").asBoolean()).isFalse();
        assertThat(interrupted.get("summary").asText()).contains("Interrupted", "not relaunched");
        assertThat(interrupted.get("logTail").asText()).contains("resumed once already and is not relaunched");
        String log = Files.readString(cloud.memberHome.resolve(".fleet-tasks/" + id + "/task.log"));
        assertThat(log.split("first-run", -1)).hasSize(2);
        assertThat(log.split("resumed-from-checkpoint", -1)).hasSize(2);

        // An interrupted task can be closed with stop_task.
        assertThat(call("stop_task", "member_name", "gpu", "task_id", id).isError()).isFalse();
        assertThat(monitor(id).get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void aTaskWithoutTheOptionIsLeftAsItWas() throws Exception {
        String id = (String) ((Map<?, ?>) call("execute_command", "member_name", "gpu", "long_running", true,
                "command", "echo plain; sleep 600").structured()).get("taskId");
        await().atMost(Duration.ofSeconds(20)).until(() -> monitor(id).get("logTail").asText().contains("plain"));
        powerLoss(id);
        JsonNode after = monitor(id);
        assertThat(after.get("status").asText()).isEqualTo("running");
        assertThat(after.get("crashed").asBoolean()).isTrue();
    }

    @Test
    void theOptionIsRefusedWhereItCouldNotWork() throws Exception {
        assertThat(call("execute_command", "member_name", "gpu", "command", "true", "resume_on_restart", true).text())
                .contains("resume_on_restart", "applies only with long_running=true");
        Path local = Files.createDirectories(tmp.resolve("local"));
        assertThat(call("register_member", "friendly_name", "here", "member_type", "local", "work_folder", local.toString())
                .isError()).isFalse();
        assertThat(call("execute_command", "member_name", "here", "command", "true", "long_running", true,
                "resume_on_restart", true).text()).contains("resume_on_restart", "applies to cloud members only");
    }
}
