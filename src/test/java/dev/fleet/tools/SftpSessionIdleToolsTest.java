package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.Fleet;
import dev.fleet.cloud.IdleAction;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SftpServerProcesses;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFTP sessions on a cloud instance, through the tools and the idle watcher over SSH: a session
 * that has moved no data for the idle timeout (a folder mounted with sshfs and left alone) lets
 * the instance stop; one that moves data keeps it up however long it runs. The sessions are real
 * processes named {@code sftp-server}, as OpenSSH names the one it starts for each SFTP session.
 */
class SftpSessionIdleToolsTest {
    static final String ID = "i-0123456789abcdefb";
    private static final String ONE_TRANSFER = "1 file transfer in progress (sftp-server, rsync or scp)";

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    MutableClock clock = new MutableClock(Instant.now());
    Fleet fleet;
    SftpServerProcesses sessions;

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 102);
        cloud.ec2.clock(clock);
        Map<String, String> env = cloud.env();
        fleet = new Fleet(env, clock, () -> { });
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        sessions = new SftpServerProcesses(tmp.resolve("instance"), Map.of());
        ToolResult r = FleetHarness.call(fleet, "register_member", "friendly_name", "gpu", "member_type", "remote",
                "username", TestSshServer.USER, "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("train").toString(),
                "cloud_instance_id", ID, "cloud_ssh_key_path", cloud.key.toString(), "cloud_idle_timeout_min", 30);
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        sessions.close();
        fleet.close();
        cloud.close();
    }

    private IdleWatcher.Decision idleCycle() {
        clock.advance(Duration.ofMinutes(31));
        fleet.channels().releaseAll();
        List<IdleWatcher.Decision> decisions = fleet.idleWatcher().cycle();
        assertThat(decisions).hasSize(1);
        return decisions.get(0);
    }

    @Test
    void aStillSessionLetsTheInstanceStopWhileAMovingOneKeepsItUp() throws Exception {
        sessions.still();
        // Fleet has no history of the session yet: it may be a transfer, and the instance stays.
        IdleWatcher.Decision first = idleCycle();
        assertThat(first.action()).isEqualTo(IdleAction.KEEP);
        assertThat(first.reason()).contains(ONE_TRANSFER);

        // A transfer that writes all along, beside the mount that has now sat still for the timeout.
        Process transfer = sessions.moving();
        for (int cycle = 0; cycle < 3; cycle++) {
            SftpServerProcesses.awaitMoved(transfer);
            IdleWatcher.Decision d = idleCycle();
            assertThat(d.action()).as(d.reason()).isEqualTo(IdleAction.KEEP);
            assertThat(d.reason()).contains(ONE_TRANSFER);
        }
        assertThat(cloud.ec2.requests("StopInstances")).isZero();

        transfer.destroyForcibly().waitFor();
        IdleWatcher.Decision last = idleCycle();
        assertThat(last.action()).as(last.reason()).isEqualTo(IdleAction.STOP);
        // Whoever finds the mount gone can read why in the decision.
        assertThat(last.reason()).contains("1 transfer session open but moving no data for 30 min");
        assertThat(cloud.ec2.requests("StopInstances")).isEqualTo(1);
    }

    /** auto_stop stops by the same rule, and its answer names the session it did not count. */
    @Test
    void autoStopNamesTheStillSessionItStoppedBeside() throws Exception {
        sessions.still();
        assertThat(idleCycle().reason()).contains(ONE_TRANSFER); // first sight: fleet starts timing it

        ToolResult launched = FleetHarness.call(fleet, "execute_command", "member_name", "gpu", "command", "echo trained",
                "long_running", true);
        assertThat(launched.isError()).as(launched.text()).isFalse();
        String task = (String) ((Map<?, ?>) launched.structured()).get("taskId");
        await().atMost(Duration.ofSeconds(30)).until(() -> FleetHarness.call(fleet, "monitor_task", "member_name", "gpu",
                "task_id", task).text().contains("\"completed\""));

        clock.advance(Duration.ofMinutes(31));
        ToolResult stopped = FleetHarness.call(fleet, "monitor_task", "member_name", "gpu", "task_id", task, "auto_stop", true);
        assertThat(stopped.text()).contains("stopped instance " + ID, "1 transfer session open but moving no data for 30 min");
        assertThat(cloud.ec2.requests("StopInstances")).isEqualTo(1);
    }
}
