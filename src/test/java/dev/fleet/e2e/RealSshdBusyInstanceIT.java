package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.RealSshd;
import dev.fleet.testing.SimulatedCloud;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction of "a busy instance is stopped", as a user met it, in real time: a cloud member
 * with a 1-minute idle timeout whose only work is a synchronous 200 s {@code execute_command}
 * (CPU only: no GPU, no agent, no fleet task), over a real OpenSSH sshd. Two fleet servers watch
 * the same registry every second: the one running the call (which knows it is in flight) and
 * another (which sees the command's processes on the member by their run tag). An idle instance
 * beside it is stopped after its minute, so the watchers are at work; the busy one is not.
 */
class RealSshdBusyInstanceIT {
    static final String BUSY = "i-0b05e0000000000c1";
    static final String IDLE = "i-01d1e0000000000c2";

    @TempDir
    Path tmp;

    @Test
    void aTwoHundredSecondCommandKeepsItsInstanceUpPastAOneMinuteIdleTimeout() throws Exception {
        try (RealSshd sshd = RealSshd.startOrUseCi(tmp); SimulatedCloud cloud = new SimulatedCloud(tmp, 121)) {
            // Both instances answer at the real sshd's address; fleet pins each one's host key to its instance id.
            cloud.ec2.addInstance(BUSY, "c6i.large", FakeEc2.State.RUNNING).setPublicIp("127.0.0.1");
            cloud.ec2.addInstance(IDLE, "c6i.large", FakeEc2.State.RUNNING).setPublicIp("127.0.0.1");
            String mark = Long.toHexString(System.nanoTime());
            Path busyWork = Files.createDirectories(sshd.home.resolve("busy-" + mark));
            Path idleWork = Files.createDirectories(sshd.home.resolve("idle-" + mark));
            Map<String, String> env = cloud.env();
            env.put("FLEET_IDLE_CHECK_SECONDS", "1");
            try (FleetServer running = new FleetServer(env)) {
                running.client().initialize();
                for (Object[] m : new Object[][] {{"busy", BUSY, busyWork}, {"idle", IDLE, idleWork}}) {
                    McpSchema.CallToolResult reg = running.call("register_member", "friendly_name", m[0], "member_type", "remote",
                            "username", sshd.user, "port", sshd.port, "work_folder", m[2].toString(),
                            "cloud_instance_id", m[1], "cloud_ssh_key_path", sshd.key.toString(), "cloud_idle_timeout_min", 1);
                    assertThat(reg.isError()).as(text(reg)).isFalse();
                }
                CompletableFuture<McpSchema.CallToolResult> command = CompletableFuture.supplyAsync(() -> running.call(
                        "execute_command", "member_name", "busy", "command", "touch started; sleep 200; echo finished",
                        "timeout_ms", 400_000));
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(busyWork.resolve("started")) || command.isDone());
                assertThat(command.isDone()).as("the command runs").isFalse();

                try (FleetServer watching = new FleetServer(env)) {
                    watching.client().initialize();
                    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> cloud.ec2.instance(IDLE).state() != FakeEc2.State.RUNNING);
                    McpSchema.CallToolResult done = command.get(300, TimeUnit.SECONDS);
                    assertThat(done.isError()).as(text(done)).isFalse();
                    assertThat(text(done)).contains("finished");
                    assertThat(cloud.ec2.instance(BUSY).state()).as("the busy instance was never stopped")
                            .isEqualTo(FakeEc2.State.RUNNING);
                }
            }
        }
    }
}
