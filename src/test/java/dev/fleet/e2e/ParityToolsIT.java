package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeGitHosting;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.GitProbe;
import dev.fleet.testing.TestHome;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original product's remaining tools, driven as a PM prompt would drive them: the built server
 * through the MCP Java SDK client, and {@code fleet statusline} as Claude Code runs it.
 */
class ParityToolsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String statusline(TestHome home, String stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fleet.jar"), "statusline"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(home.env());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void iconsStatuslineGitCredentialsAndPermissionsThroughTheMcpClient() throws Exception {
        TestHome home = new TestHome(tmp);
        assertThat(statusline(home, "")).isEqualTo("Fleet: no status\n");
        try (FakeGitHosting hosting = new FakeGitHosting()) {
            Map<String, String> env = new LinkedHashMap<>(home.env());
            env.putAll(hosting.env());
            try (FleetServer server = new FleetServer(env)) {
                server.client().initialize();
                Path work = Files.createDirectories(tmp.resolve("work"));
                Files.writeString(work.resolve("package.json"), "{}");
                McpSchema.CallToolResult reg = server.call("register_member", "friendly_name", "doer", "member_type", "local",
                        "work_folder", work.toString());
                assertThat(text(reg)).contains("Icon:      🔵");
                server.call("register_member", "friendly_name", "reviewer", "member_type", "local", "work_folder",
                        tmp.resolve("review").toString());
                server.call("update_member", "member_name", "reviewer", "icon", "blue-square");
                assertThat(text(server.call("list_members"))).contains("🔵 doer (local)", "🟦 reviewer (local)");
                JsonNode listed = JSON.readTree(text(server.call("list_members", "format", "json")));
                assertThat(listed.get("total").asInt()).isEqualTo(2);
                assertThat(listed.get("members").get(1).get("icon").asText()).isEqualTo("🟦");
                assertThat(text(server.call("fleet_status"))).contains("🔵 doer", "🟦 reviewer");

                Path data = home.dataDir();
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(data.resolve("statusline.txt"))
                        && Files.readString(data.resolve("statusline.txt")).equals("🔵 doer:💤 idle  🟦 reviewer:💤 idle\n"));
                assertThat(statusline(home, "{\"session_id\":\"abc\",\"model\":{\"id\":\"x\"}}"))
                        .isEqualTo("🔵 doer:💤 idle  🟦 reviewer:💤 idle  ✅\n");

                McpSchema.CallToolResult setup = server.call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                        "private_key_path", hosting.writePkcs1Key(tmp.resolve("app.pem")).toString(),
                        "installation_id", FakeGitHosting.INSTALLATION_ID);
                assertThat(setup.isError()).as(text(setup)).isFalse();
                McpSchema.CallToolResult provisioned = server.call("provision_vcs_auth", "member_id",
                        listed.get("members").get(0).get("id").asText(), "provider", "github", "git_access", "push",
                        "repos", List.of("acme/app"));
                assertThat(provisioned.isError()).as(text(provisioned)).isFalse();
                assertThat(text(provisioned)).startsWith("✅ GitHub App credentials deployed (expires ");
                assertThat(new GitProbe(home.home()).password(work, "github.com")).isPresent();
                assertThat(hosting.refusals).isEmpty();
                JsonNode detail = JSON.readTree(text(server.call("member_detail", "member_name", "doer", "format", "json")));
                assertThat(detail.get("vcs").get(0).get("mode").asText()).isEqualTo("github-app");

                McpSchema.CallToolResult composed = server.call("compose_permissions", "member_name", "doer", "role", "doer");
                assertThat(text(composed)).contains("Stacks: node");
                assertThat(Files.readString(work.resolve(".claude/settings.local.json"))).contains("Bash(npm:*)");
                McpSchema.CallToolResult refused = server.call("compose_permissions", "member_name", "doer", "role", "doer",
                        "grant", List.of("Bash(sudo:*)"));
                assertThat(refused.isError()).isTrue();
                assertThat(text(refused)).startsWith("❌ Cannot auto-grant dangerous permissions: Bash(sudo:*)");

                McpSchema.CallToolResult revoked = server.call("revoke_vcs_auth", "member_name", "doer", "provider", "github");
                assertThat(text(revoked)).startsWith("✅ GitHub credentials revoked on \"doer\"");
                assertThat(home.home().resolve(".fleet-git")).doesNotExist();
            }
        }
    }
}
