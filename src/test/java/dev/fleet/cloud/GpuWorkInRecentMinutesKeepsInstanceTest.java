package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.Fleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.GuardFakes;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU counts as busy when it worked at any time in the last few minutes, whatever the number
 * of looks in between: every fleet_status (member_detail, cloud_control status, monitor_task)
 * adds a GPU sample, so a judgement over a count of samples let a dashboard polling through a
 * few seconds' pause (data loading, a checkpoint) stop an instance under a job that ran for half
 * an hour; and one reading at 0 % must not outweigh the minutes before it. The instance runs a
 * job only the GPU check can see (in a container, or started by hand).
 */
class GpuWorkInRecentMinutesKeepsInstanceTest {
    static final String ID = "i-0dddddddddddddda1";

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    MutableClock clock = new MutableClock(Instant.now());
    Fleet fleet;
    GuardFakes fakes;

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 181);
        cloud.ec2.clock(clock);
        fakes = GuardFakes.install(cloud.memberHome);
        fleet = new Fleet(cloud.env(), clock, () -> { });
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        cloud.close();
    }

    @Test
    void aPauseOfSecondsPolledByADashboardDoesNotStopAJobThatRanAt90PercentForHalfAnHour() throws Exception {
        register("cloud_gpu_busy_min_util", 30);
        // The guard's history: one sample a minute for 30 minutes, the job at 90 %.
        history("90 4242:19000 -");
        // The job pauses its GPU use for a few seconds (data loading); a dashboard polls meanwhile.
        fakes.gpu(0, "4242, 19000");
        for (int i = 0; i < 4; i++) {
            call("fleet_status");
        }
        assertThat(Files.readAllLines(samples())).hasSizeGreaterThanOrEqualTo(34);

        List<IdleWatcher.Decision> d = idleCycle();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("busy: 1 GPU compute process, GPU at 90 % (threshold 30 %) 1 min ago",
                    "work in the last 10 min counts");
        });
        assertThat(cloud.ec2.requests("StopInstances")).isZero();
    }

    /**
     * GPU work whose processes nvidia-smi cannot show (another container or PID namespace, some
     * virtual GPUs), at the default threshold: the watcher's own look landing on a moment at 0 %
     * (the job waiting on its data loader) does not stop an instance whose GPU ran at 95 %.
     */
    @Test
    void gpuWorkWithoutVisibleProcessesIsNotJudgedOnOneReadingAtZero() throws Exception {
        register();
        history("95 - -");
        fakes.gpu(0, "");

        List<IdleWatcher.Decision> d = idleCycle();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("busy: GPU at 95 % with no compute process visible", "1 min ago");
        });
        assertThat(cloud.ec2.requests("StopInstances")).isZero();
    }

    private void register(Object... extra) {
        List<Object> kv = new ArrayList<>(List.of("friendly_name", "gpu", "member_type", "remote", "username", TestSshServer.USER,
                "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("train").toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", cloud.key.toString(), "cloud_idle_timeout_min", 30));
        kv.addAll(List.of(extra));
        ToolResult r = call("register_member", kv.toArray());
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    /** One sample a minute for the last 30 minutes, on the member's clock (the real one): {@code rest} after the time. */
    private void history(String rest) throws Exception {
        long now = Instant.now().getEpochSecond();
        List<String> lines = new ArrayList<>();
        for (int m = 30; m >= 1; m--) {
            lines.add((now - m * 60L) + " " + rest);
        }
        Files.createDirectories(samples().getParent());
        Files.write(samples(), lines);
    }

    private Path samples() {
        return cloud.memberHome.resolve(".fleet/gpu-samples");
    }

    /** Fleet's clock past the idle timeout (the member's stays put: its samples are seconds apart). */
    private List<IdleWatcher.Decision> idleCycle() {
        clock.advance(Duration.ofMinutes(31));
        fleet.channels().releaseAll();
        return fleet.idleWatcher().cycle();
    }

    private ToolResult call(String tool, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            args.put((String) kv[i], kv[i + 1]);
        }
        return fleet.tools().run(tool, args, ToolCall.NONE);
    }
}
