package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
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
 * Never stop a busy instance, tried as a new user would, in real time: two editor windows run a
 * fleet server each on the same registry. In the first, a synchronous execute_command runs past
 * the member's 1-minute idle timeout. The second server's idle watcher, which knows nothing of that
 * call, checks every second: it stops an idle instance beside it (so it really is watching) but
 * keeps the busy one, because the command's processes on the member carry the member's run tag.
 */
class BusyInstanceIT {
    static final String BUSY = "i-0b05e00000000000a";
    static final String IDLE = "i-01d1e00000000000b";

    @TempDir
    Path tmp;

    @Test
    void aCommandInFlightInAnotherServerOutlivesTheIdleTimeoutWhileAnIdleInstanceIsStopped() throws Exception {
        try (SimulatedCloud cloud = new SimulatedCloud(tmp, 111)) {
            cloud.machine(BUSY, "c6i.large", FakeEc2.State.RUNNING);
            cloud.machine(IDLE, "c6i.large", FakeEc2.State.RUNNING);
            Path work = Files.createDirectories(cloud.memberHome.resolve("w"));
            Map<String, String> first = cloud.env();
            first.put("FLEET_IDLE_CHECK_SECONDS", "3600"); // this window's watcher stays out of the way
            Map<String, String> second = cloud.env();
            second.put("FLEET_IDLE_CHECK_SECONDS", "1");
            try (FleetServer running = new FleetServer(first)) {
                running.client().initialize();
                for (String[] m : new String[][] {{"busy", BUSY}, {"idle", IDLE}}) {
                    McpSchema.CallToolResult reg = running.call("register_member", "friendly_name", m[0], "member_type", "remote",
                            "username", TestSshServer.USER, "port", cloud.sshPort, "work_folder", work.toString(),
                            "cloud_instance_id", m[1], "cloud_ssh_key_path", cloud.key.toString(), "cloud_idle_timeout_min", 1);
                    assertThat(reg.isError()).as(text(reg)).isFalse();
                }
                CompletableFuture<McpSchema.CallToolResult> command = CompletableFuture.supplyAsync(() -> running.call(
                        "execute_command", "member_name", "busy", "command", "touch started; sleep 80; echo finished",
                        "timeout_ms", 400_000));
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(work.resolve("started")) || command.isDone());
                assertThat(command.isDone()).as("the command runs").isFalse();

                try (FleetServer watching = new FleetServer(second)) {
                    watching.client().initialize();
                    // The idle one goes once its minute is over: the second server's watcher is at work.
                    await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> cloud.ec2.instance(IDLE).state() != FakeEc2.State.RUNNING);
                    McpSchema.CallToolResult done = command.get(120, TimeUnit.SECONDS);
                    assertThat(done.isError()).as(text(done)).isFalse();
                    assertThat(text(done)).contains("finished");
                    assertThat(cloud.ec2.instance(BUSY).state()).isEqualTo(FakeEc2.State.RUNNING);
                }
            }
        }
    }
}
