package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud story end to end, through the built server and a real MCP client: a stopped instance
 * is started by a long-running task, the task is watched to completion, and auto_stop stops the
 * instance. The simulated EC2 and the instance's SSH server live in this test's JVM on loopback.
 */
class CloudTaskIT {
    static final String ID = "i-0c0ffee00000000e2";

    @TempDir
    Path tmp;

    @Test
    void aTaskStartsTheInstanceRunsToCompletionAndAutoStopStopsIt() throws Exception {
        try (SimulatedCloud cloud = new SimulatedCloud(tmp, 61)) {
            FakeEc2 ec2 = cloud.ec2;
            cloud.machine(ID, "g5.xlarge", FakeEc2.State.STOPPED);
            Path memberHome = cloud.memberHome;
            Map<String, String> env = cloud.env();
            env.put("FLEET_CLOUD_POLL_MS", "100");
            try (FleetServer fleet = new FleetServer(env)) {
                fleet.client().initialize();
                Path work = memberHome.resolve("train");
                McpSchema.CallToolResult reg = fleet.call("register_member", "friendly_name", "trainer", "member_type", "remote",
                        "username", TestSshServer.USER, "port", cloud.sshPort, "work_folder", work.toString(),
                        "cloud_provider", "aws", "cloud_instance_id", ID, "cloud_ssh_key_path", cloud.key.toString());
                assertThat(text(reg)).contains("is stopped: registered without SSH checks");

                McpSchema.CallToolResult launched = fleet.client().callTool(new McpSchema.CallToolRequest("execute_command",
                        Map.of("member_name", "trainer", "long_running", true,
                                "command", "sleep 2; echo 'epoch 1 \"done\"' > result.txt; echo finished"),
                        Map.of("progressToken", "boot")));
                assertThat(launched.isError()).as(text(launched)).isFalse();
                Matcher id = Pattern.compile("task-[a-z0-9]{4,32}").matcher(text(launched));
                assertThat(id.find()).as(text(launched)).isTrue();
                String taskId = id.group();
                assertThat(ec2.requests("StartInstances")).isEqualTo(1);
                assertThat(fleet.progress()).anyMatch(p -> "boot".equals(p.progressToken()));

                ObjectMapper json = new ObjectMapper();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode status = json.readTree(text(fleet.call("monitor_task", "member_name", "trainer", "task_id", taskId)));
                    assertThat(status.get("status").asText()).isEqualTo("completed");
                });
                assertThat(Files.readString(work.resolve("result.txt"))).contains("epoch 1 \"done\"");

                McpSchema.CallToolResult stop = fleet.call("monitor_task", "member_name", "trainer", "task_id", taskId,
                        "auto_stop", true);
                assertThat(text(stop)).contains("completed", "stop");
                assertThat(ec2.requests("StopInstances")).isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> ec2.instance(ID).state() == FakeEc2.State.STOPPED);
            }
        }
    }
}
