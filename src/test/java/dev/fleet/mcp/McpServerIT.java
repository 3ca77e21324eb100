package dev.fleet.mcp;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.TestHome;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The built server, started as a subprocess and driven by the MCP Java SDK client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every tool of this release with the parameter names the original product's prompts use. */
    private static final Map<String, Set<String>> TOOLS = Map.ofEntries(
            Map.entry("register_member", Set.of("friendly_name", "member_type", "host", "port", "username", "auth_type",
                    "password", "key_path", "work_folder", "git_access", "git_repos", "llm_provider", "model_tiers", "cloud_provider",
                    "cloud_instance_id", "cloud_region", "cloud_profile", "cloud_idle_timeout_min", "cloud_ssh_key_path",
                    "cloud_activity_command", "cloud_budget_usd_per_day", "cloud_gpu_busy_min_util")),
            Map.entry("list_members", Set.of("format")),
            Map.entry("update_member", Set.of("member_id", "member_name", "friendly_name", "host", "port", "username",
                    "auth_type", "password", "key_path", "work_folder", "git_access", "git_repos", "icon", "llm_provider",
                    "model_tiers", "cloud_provider",
                    "cloud_instance_id", "cloud_region", "cloud_profile", "cloud_idle_timeout_min", "cloud_ssh_key_path",
                    "cloud_activity_command", "cloud_budget_usd_per_day", "cloud_gpu_busy_min_util")),
            Map.entry("remove_member", Set.of("member_id", "member_name")),
            Map.entry("execute_command", Set.of("member_id", "member_name", "command", "timeout_ms", "work_folder",
                    "long_running", "max_retries", "restart_command", "resume_on_restart")),
            // skip_unchanged is fleet's own addition (send only what changed); the rest are the original's names.
            Map.entry("send_files", Set.of("member_id", "member_name", "local_paths", "remote_subfolder", "skip_unchanged")),
            Map.entry("receive_files", Set.of("member_id", "member_name", "remote_paths", "local_dest", "skip_unchanged")),
            Map.entry("fleet_status", Set.of("format")),
            Map.entry("member_detail", Set.of("member_id", "member_name", "format")),
            Map.entry("reset_session", Set.of("member_id", "member_name")),
            Map.entry("shutdown_server", Set.of()),
            Map.entry("execute_prompt", Set.of("member_id", "member_name", "prompt", "resume", "timeout_ms",
                    "inactivity_timeout_ms", "max_turns", "model", "unattended", "dangerously_skip_permissions")),
            Map.entry("stop_prompt", Set.of("member_id", "member_name")),
            Map.entry("provision_auth", Set.of("member_id", "member_name", "api_key")),
            Map.entry("provision_llm_auth", Set.of("member_id", "member_name", "api_key")),
            Map.entry("update_claude", Set.of("member_id", "member_name", "install_if_missing")),
            Map.entry("update_llm_cli", Set.of("member_id", "member_name", "install_if_missing")),
            Map.entry("setup_ssh_key", Set.of("member_id", "member_name")),
            Map.entry("cloud_control", Set.of("member_id", "member_name", "action", "override_budget", "force")),
            Map.entry("monitor_task", Set.of("member_id", "member_name", "task_id", "auto_stop")),
            Map.entry("stop_task", Set.of("member_id", "member_name", "task_id")),
            Map.entry("setup_git_app", Set.of("app_id", "private_key_path", "installation_id")),
            Map.entry("provision_vcs_auth", Set.of("member_id", "member_name", "provider", "github_mode", "token", "git_access",
                    "repos", "email", "api_token", "workspace", "org_url", "pat")),
            Map.entry("revoke_vcs_auth", Set.of("member_id", "member_name", "provider")),
            Map.entry("compose_permissions", Set.of("member_id", "member_name", "role", "project_folder", "grant", "grant_reason")));

    @TempDir
    static Path tmp;
    TestHome home;
    FleetServer server;
    McpSyncClient client;

    @BeforeAll
    void start() throws Exception {
        home = new TestHome(tmp);
        home.installFakeAgentCli("2.1.0");
        server = new FleetServer(home.env());
        client = server.client();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void initializeReportsTheServerNameAndTheBuiltVersion() {
        McpSchema.InitializeResult init = client.initialize();
        assertThat(init.serverInfo().name()).isEqualTo("apra-fleet");
        assertThat(init.serverInfo().version()).isEqualTo(System.getProperty("fleet.version")).isNotBlank();
        assertThat(init.capabilities().tools()).isNotNull();
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void everyToolIsListedWithADescriptionAndTheOriginalParameterNames() {
        List<McpSchema.Tool> tools = client.listTools().tools();
        assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(TOOLS.keySet());
        for (McpSchema.Tool t : tools) {
            assertThat(t.description()).as(t.name()).hasSizeGreaterThan(80);
            assertThat(t.inputSchema().get("type")).isEqualTo("object");
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) t.inputSchema().get("properties");
            Set<String> params = properties == null ? Set.of() : properties.keySet();
            assertThat(params).as(t.name()).containsExactlyInAnyOrderElementsOf(TOOLS.get(t.name()));
        }
        McpSchema.Tool register = tools.stream().filter(t -> t.name().equals("register_member")).findFirst().orElseThrow();
        assertThat((List<Object>) register.inputSchema().get("required")).containsExactlyInAnyOrder("friendly_name", "work_folder");
    }

    @Test
    @Order(3)
    void registerListAndRunOnALocalMember() throws Exception {
        Path work = tmp.resolve("work");
        McpSchema.CallToolResult reg = server.call("register_member", "friendly_name", "local-1", "member_type", "local",
                "work_folder", work.toString());
        assertThat(reg.isError()).isFalse();
        assertThat(text(reg)).contains("Registered member local-1", "2.1.0");
        assertThat(reg.structuredContent()).isNotNull();
        assertThat(Files.isDirectory(work)).isTrue();

        assertThat(text(server.call("list_members"))).contains("local-1", work.toString()).doesNotContain("encryptedPassword");

        McpSchema.CallToolResult run = server.call("execute_command", "member_name", "local-1", "command", "echo hi; env");
        assertThat(run.isError()).isFalse();
        assertThat(text(run)).contains("Exit code 0", "hi", "HOME=" + home.home()).doesNotContain("FLEET_LEAK_CHECK", "CLAUDECODE");
    }

    @Test
    @Order(4)
    void badInputIsAnErrorResultNamingTheParameter() throws Exception {
        Path registry = home.dataDir().resolve("registry.json");
        // The previous test's lastUsed is written in the background: start from a registry at rest.
        String[] settled = {Files.readString(registry)};
        await().atMost(Duration.ofSeconds(10)).during(Duration.ofMillis(600)).until(() -> {
            String now = Files.readString(registry);
            boolean same = now.equals(settled[0]);
            settled[0] = now;
            return same;
        });
        String before = Files.readString(registry);
        McpSchema.CallToolResult wrongType = server.call("execute_command", "member_name", "local-1", "command", "true", "timeout_ms", "soon");
        assertThat(wrongType.isError()).isTrue();
        assertThat(text(wrongType)).contains("timeout_ms", "whole number");
        McpSchema.CallToolResult range = server.call("execute_command", "member_name", "local-1", "command", "true", "timeout_ms", 0);
        assertThat(text(range)).contains("timeout_ms must be from 100");
        assertThat(text(server.call("register_member", "friendly_name", "local-1", "member_type", "local",
                "work_folder", tmp.resolve("x").toString()))).contains("friendly_name", "already taken");
        assertThat(text(server.call("member_detail", "member_id", "no-such-id"))).contains("member_id", "does not match");
        assertThat(text(server.call("register_member", "friendly_name", "r", "member_type", "remote", "host", "127.0.0.1",
                "work_folder", "/w"))).contains("username is required");
        assertThat(Files.readString(registry)).isEqualTo(before);
    }

    @Test
    @Order(5)
    void filesGoBothWaysWithProgress() throws Exception {
        Path src = Files.writeString(tmp.resolve("model.txt"), "weights");
        McpSchema.CallToolResult sent = client.callTool(new McpSchema.CallToolRequest("send_files",
                Map.of("member_name", "local-1", "local_paths", List.of(src.toString()), "remote_subfolder", "data"),
                Map.of("progressToken", "send-1")));
        assertThat(text(sent)).contains("Sent 1 of 1");
        assertThat(Files.readString(tmp.resolve("work/data/model.txt"))).isEqualTo("weights");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.progress().stream().anyMatch(p -> "send-1".equals(p.progressToken())));

        McpSchema.CallToolResult got = server.call("receive_files", "member_name", "local-1", "remote_paths", List.of("data/model.txt"),
                "local_dest", tmp.resolve("back").toString());
        assertThat(text(got)).contains("Received 1 of 1");
        assertThat(Files.readString(tmp.resolve("back/model.txt"))).isEqualTo("weights");
        assertThat(text(server.call("receive_files", "member_name", "local-1", "remote_paths", List.of("../../../etc/hostname"),
                "local_dest", tmp.resolve("back").toString()))).contains("outside the work folder");
    }

    @Test
    @Order(6)
    void statusDetailUpdateResetAndRemove() throws Exception {
        McpSchema.CallToolResult status = server.call("fleet_status", "format", "json");
        JsonNode parsed = JSON.readTree(text(status));
        assertThat(parsed.get("members").get(0).get("name").asText()).isEqualTo("local-1");
        assertThat(parsed.get("members").get(0).get("online").asBoolean()).isTrue();
        assertThat(text(server.call("fleet_status"))).startsWith("Fleet: 1 member, 1 online");

        assertThat(text(server.call("member_detail", "member_name", "local-1"))).contains("agent CLI: 2.1.0", "disk:", "system: load");
        McpSchema.CallToolResult prompt = server.call("execute_prompt", "member_name", "local-1", "prompt", "say hi");
        assertThat(prompt.isError()).as(text(prompt)).isFalse();
        assertThat(text(prompt)).contains("Done: received 6 bytes.", "tokens 150 in / 45 out");
        assertThat(text(server.call("update_member", "member_name", "local-1", "icon", "🔧"))).contains("Updated member local-1: icon");
        assertThat(text(server.call("reset_session"))).contains("Cleared the sessions of 1 member");
        JsonNode registry = JSON.readTree(home.dataDir().resolve("registry.json").toFile());
        assertThat(registry.get("agents").get(0).get("lastUsed").asText()).isNotBlank();
        assertThat(text(server.call("remove_member", "member_name", "local-1"))).contains("Removed member local-1");
        assertThat(text(server.call("list_members"))).contains("No members registered");
    }
}
