package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.Fleet;
import dev.fleet.cloud.IdleAction;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.GpuHolderProcesses;
import dev.fleet.testing.GuardFakes;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU utilization policy end to end: a recorded sample history on the instance (as the guard
 * leaves it) and a fake nvidia-smi. A process holding the GPU at 0 % longer than the idle timeout
 * is reported everywhere and does not keep the instance up; with a threshold, only real use does.
 */
class GpuPolicyToolsTest {
    static final String ID = "i-0123456789abcdefa";

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    MutableClock clock = new MutableClock(Instant.now());
    Fleet fleet;
    GuardFakes fakes;
    final GpuHolderProcesses holders = new GpuHolderProcesses();

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 101);
        cloud.ec2.clock(clock);
        fakes = GuardFakes.install(cloud.memberHome);
        Map<String, String> env = cloud.env();
        fleet = new Fleet(env, clock, () -> { });
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
    }

    @AfterEach
    void tearDown() throws Exception {
        holders.close();
        fleet.close();
        cloud.close();
    }

    private ToolResult call(String tool, Object... kv) {
        return FleetHarness.call(fleet, tool, kv);
    }

    private void register(int busyMinUtil) {
        ToolResult r = call("register_member", "friendly_name", "gpu", "member_type", "remote", "username", TestSshServer.USER,
                "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("train").toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", cloud.key.toString(), "cloud_idle_timeout_min", 30, "cloud_gpu_busy_min_util", busyMinUtil);
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    /** One sample a minute for the last {@code minutes} minutes (the member's real clock), then the GPU now. */
    private void history(int minutes, int utilization, String processes) throws Exception {
        long now = Instant.now().getEpochSecond();
        List<String> lines = new ArrayList<>();
        for (int m = minutes; m >= 1; m--) {
            // The holders' CPU reading a sample records while memory is held at 0 %: idle here.
            lines.add((now - m * 60L) + " " + utilization + " " + processes + (utilization == 0 && !processes.equals("-") ? " 0" : " -"));
        }
        Files.createDirectories(cloud.memberHome.resolve(".fleet"));
        Files.write(cloud.memberHome.resolve(".fleet/gpu-samples"), lines);
        fakes.gpu(utilization, processes.equals("-") ? "" : processes.replace(":", ", "));
    }

    private List<IdleWatcher.Decision> idleCycle() {
        clock.advance(Duration.ofMinutes(31));
        fleet.channels().releaseAll();
        return fleet.idleWatcher().cycle();
    }

    @Test
    void aProcessHoldingTheGpuIdleIsReportedAndDoesNotKeepTheInstanceUp() throws Exception {
        register(0);
        // A real process that sleeps, in a session of its own (the look measures its CPU use).
        String pid = holders.idle();
        history(45, 0, pid + ":19000");

        ToolResult status = call("cloud_control", "member_name", "gpu", "action", "status");
        assertThat(status.text()).contains("GPU:       0% (1 GPU, 19000/24576 MiB)",
                "warning:   holding the GPU idle: pid " + pid + " holds 19000 MiB of GPU memory at 0 % utilization for 45 min");
        assertThat(call("fleet_status").text()).contains("holding the GPU idle: pid " + pid);

        ToolResult launched = call("execute_command", "member_name", "gpu", "long_running", true, "command", "echo epoch done");
        String task = (String) ((Map<?, ?>) launched.structured()).get("taskId");
        await().atMost(Duration.ofSeconds(20)).until(() -> call("monitor_task", "member_name", "gpu", "task_id", task).text()
                .contains("\"completed\""));
        JsonNode report = new ObjectMapper().readTree(call("monitor_task", "member_name", "gpu", "task_id", task).text());
        assertThat(report.get("gpuHoldingIdle").asBoolean()).isTrue();
        assertThat(report.get("summary").asText()).contains("Note: holding the GPU idle");

        List<IdleWatcher.Decision> decisions = idleCycle();
        assertThat(decisions).singleElement().satisfies(d -> assertThat(d.action()).isEqualTo(IdleAction.STOP));
    }

    /**
     * A job that holds GPU memory at 0 % for longer than the idle timeout while it works on the CPU
     * (evaluation, preprocessing, writing a checkpoint) is at work: it is neither flagged nor stopped.
     */
    @Test
    void aJobInACpuPhaseHoldingTheGpuAtZeroPercentKeepsTheInstanceUp() throws Exception {
        register(0);
        String pid = holders.working();
        history(45, 0, pid + ":19000");

        assertThat(call("cloud_control", "member_name", "gpu", "action", "status").text()).doesNotContain("holding");
        assertThat(idleCycle()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(IdleAction.KEEP);
            assertThat(d.reason()).contains("GPU memory held at 0 % for 4", "% of a CPU core in the last 10 min (a CPU phase of a job)");
        });
        assertThat(cloud.ec2.requests("StopInstances")).isZero();
    }

    @Test
    void withAThresholdOnlyRealUseKeepsTheInstanceUp() throws Exception {
        register(30);
        history(10, 80, "4242:19000");
        assertThat(idleCycle()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(IdleAction.KEEP);
            assertThat(d.reason()).isEqualTo("busy: 1 GPU compute process, GPU at 80 % (threshold 30 %)");
        });
        assertThat(call("cloud_control", "member_name", "gpu", "action", "status").text()).doesNotContain("holding");

        history(10, 4, "4242:19000");
        assertThat(idleCycle()).singleElement().satisfies(d -> assertThat(d.action()).isEqualTo(IdleAction.STOP));
        assertThat(cloud.ec2.requests("StopInstances")).isEqualTo(1);
    }

    @Test
    void oneBusyGpuOfEightKeepsTheInstanceUp() throws Exception {
        register(30);
        history(10, 100, "4242:19000");
        // The busiest GPU is recorded (100 %), not the average over all eight (12 %, below the threshold).
        fakes.gpus(List.of(0, 0, 100, 0, 0, 0, 0, 0), "4242, 19000");
        assertThat(idleCycle()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(IdleAction.KEEP);
            assertThat(d.reason()).contains("GPU at 100 % (threshold 30 %)");
        });
        assertThat(Files.readAllLines(cloud.memberHome.resolve(".fleet/gpu-samples"))).last().asString().contains(" 100 4242:19000");
        assertThat(cloud.ec2.requests("StopInstances")).isZero();
    }

    @Test
    void withoutAThresholdAnyComputeProcessStillCounts() throws Exception {
        register(0);
        history(10, 0, "4242:19000");
        assertThat(idleCycle()).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(IdleAction.KEEP);
            assertThat(d.reason()).isEqualTo("busy: 1 GPU compute process");
        });
    }
}
