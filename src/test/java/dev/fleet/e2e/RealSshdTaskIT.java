package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.RealSshd;
import dev.fleet.testing.TestHome;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long-running tasks on a real OpenSSH sshd, through the built server: a task outlives the SSH
 * session that started it and the server process itself, and is then read and stopped by a new one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealSshdTaskIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    static Path tmp;
    RealSshd sshd;
    TestHome home;
    Map<String, String> env;

    @BeforeAll
    void start() throws Exception {
        sshd = SSHD.get();
        home = new TestHome(tmp);
        env = new LinkedHashMap<>(home.env());
        env.put("FLEET_TASK_ACTIVITY_SEC", "1");
        try (FleetServer fleet = new FleetServer(env)) {
            fleet.client().initialize();
            McpSchema.CallToolResult r = fleet.call("register_member", "friendly_name", "openssh", "member_type", "remote",
                    "host", "127.0.0.1", "port", sshd.port, "username", sshd.user, "auth_type", "key",
                    "key_path", sshd.key.toString(), "work_folder", sshd.home.resolve("tasks-e2e").toString());
            assertThat(r.isError()).as(text(r)).isFalse();
        }
    }

    private static String launch(FleetServer fleet, String command) {
        McpSchema.CallToolResult r = fleet.call("execute_command", "member_name", "openssh", "long_running", true,
                "command", command, "max_retries", 0);
        assertThat(r.isError()).as(text(r)).isFalse();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("task-[a-z0-9]{4,32}").matcher(text(r));
        assertThat(id.find()).isTrue();
        return id.group();
    }

    private static JsonNode monitor(FleetServer fleet, String id) throws Exception {
        return JSON.readTree(text(fleet.call("monitor_task", "member_name", "openssh", "task_id", id)));
    }

    @Test
    void aTaskOutlivesItsSessionAndTheServerAndCanBeStoppedByTheNextOne() throws Exception {
        String finishing;
        String endless;
        // The real sshd's home outlives a run (a developer's sshd is started once and reused): a
        // release file left by the last run would end the task before the first look at it.
        Files.deleteIfExists(sshd.home.resolve("tasks-e2e").resolve("release"));
        try (FleetServer first = new FleetServer(env)) {
            first.client().initialize();
            // The task waits for a file only the test creates, so "launch returned while it still runs"
            // is shown by its state, not by a wall-clock bound.
            finishing = launch(first, "echo begin; n=0; while [ ! -f release ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done;"
                    + " echo 'end \"quoted\"'");
            assertThat(monitor(first, finishing).get("status").asText()).isEqualTo("running");
            endless = launch(first, "echo looping; while true; do sleep 1; done");
        } // every SSH connection of this server is gone now

        Path tasks = sshd.home.resolve(".fleet-tasks");
        assertThat(tasks.resolve(finishing).resolve("run.sh")).exists();
        try (FleetServer second = new FleetServer(env)) {
            second.client().initialize();
            Files.writeString(sshd.home.resolve("tasks-e2e").resolve("release"), "");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> monitor(second, finishing).get("status").asText().equals("completed"));
            assertThat(Files.readString(tasks.resolve(finishing).resolve("task.log"))).contains("begin", "end \"quoted\"");

            JsonNode running = monitor(second, endless);
            assertThat(running.get("status").asText()).isEqualTo("running");
            assertThat(running.get("pidAlive").asBoolean()).isTrue();
            assertThat(running.get("activityAgeSec").asLong()).isLessThanOrEqualTo(2);

            McpSchema.CallToolResult stop = second.call("stop_task", "member_name", "openssh", "task_id", endless);
            assertThat(text(stop)).contains("Stopped task " + endless, "status cancelled");
            JsonNode after = monitor(second, endless);
            assertThat(after.get("status").asText()).isEqualTo("cancelled");
            assertThat(after.get("pidAlive").asBoolean()).isFalse();
        }
    }
}
