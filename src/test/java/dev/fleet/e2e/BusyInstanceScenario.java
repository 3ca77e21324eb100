package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.SimulatedCloud;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * "Never stop a busy instance", as a user meets it, in real time: two fleet servers on one
 * registry. The first registers a busy and an idle cloud member (1-minute idle timeout) and runs a
 * synchronous execute_command on the busy one, past that timeout. The second server's idle watcher
 * (checking every second) must stop the idle instance, which shows it is at work, and keep the
 * busy one, which it knows of only by the command's processes on the member. Each IT says where
 * the members live (which SSH server, which folders) and how each server watches.
 */
final class BusyInstanceScenario {
    /** How both members are reached over SSH. */
    record Login(String user, int port, Path key) {
    }

    /** One member of the scenario: its instance and its work folder. */
    record Instance(String id, Path work) {
    }

    /** How long the command runs, and how long the idle stop and the command's end may take. */
    record Timing(int commandSeconds, Duration idleStopWithin, Duration commandWithin) {
    }

    private BusyInstanceScenario() {
    }

    /**
     * @param runningEnv  the environment of the server that runs the command
     * @param watchingEnv the environment of the server whose watcher must keep the busy instance
     */
    static void run(SimulatedCloud cloud, Login login, Instance busy, Instance idle, Map<String, String> runningEnv,
                    Map<String, String> watchingEnv, Timing timing) throws Exception {
        try (FleetServer running = new FleetServer(runningEnv)) {
            running.client().initialize();
            register(running, login, "busy", busy);
            register(running, login, "idle", idle);
            CompletableFuture<McpSchema.CallToolResult> command = CompletableFuture.supplyAsync(() -> running.call(
                    "execute_command", "member_name", "busy", "command",
                    "touch started; sleep " + timing.commandSeconds() + "; echo finished", "timeout_ms", 400_000));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(busy.work().resolve("started")) || command.isDone());
            assertThat(command.isDone()).as("the command runs").isFalse();

            try (FleetServer watching = new FleetServer(watchingEnv)) {
                watching.client().initialize();
                // The idle one goes once its minute is over: the watchers are at work.
                await().atMost(timing.idleStopWithin()).pollInterval(Duration.ofSeconds(1))
                        .until(() -> cloud.ec2.instance(idle.id()).state() != FakeEc2.State.RUNNING);
                McpSchema.CallToolResult done = command.get(timing.commandWithin().toSeconds(), TimeUnit.SECONDS);
                assertThat(done.isError()).as(text(done)).isFalse();
                assertThat(text(done)).contains("finished");
                assertThat(cloud.ec2.instance(busy.id()).state()).as("the busy instance was never stopped")
                        .isEqualTo(FakeEc2.State.RUNNING);
            }
        }
    }

    private static void register(FleetServer server, Login login, String name, Instance instance) {
        McpSchema.CallToolResult reg = server.call("register_member", "friendly_name", name, "member_type", "remote",
                "username", login.user(), "port", login.port(), "work_folder", instance.work().toString(),
                "cloud_instance_id", instance.id(), "cloud_ssh_key_path", login.key().toString(), "cloud_idle_timeout_min", 1);
        assertThat(reg.isError()).as(text(reg)).isFalse();
    }
}
