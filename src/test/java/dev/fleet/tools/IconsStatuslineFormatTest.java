package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.Fleet;
import dev.fleet.member.MemberIcons;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Member icons, the statusline file and format=json, through the tools. */
class IconsStatuslineFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    FleetHarness fleet;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    private Path statusline() {
        return fleet.home.dataDir().resolve("statusline.txt");
    }

    private String line() throws Exception {
        return Files.exists(statusline()) ? Files.readString(statusline()) : "";
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void registrationHandsOutPoolIconsThatShowEverywhere() throws Exception {
        assertThat(fleet.registerLocal("a", tmp.resolve("a")).text()).contains("  Icon:      🔵\n");
        assertThat(fleet.registerLocal("b", tmp.resolve("b")).text()).contains("  Icon:      🟢\n");
        fleet.registerLocal("c", tmp.resolve("c"));
        fleet.call("remove_member", "member_name", "b");
        assertThat(fleet.registerLocal("d", tmp.resolve("d")).text()).as("a freed icon is used again").contains("Icon:      🟢");

        assertThat(fleet.call("list_members").text()).contains("🔵 a (local)", "🔴 c (local)", "🟢 d (local)");
        assertThat(fleet.call("member_detail", "member_name", "c").text()).startsWith("🔴 c (local)");
        ToolResult status = fleet.call("fleet_status");
        assertThat(status.text()).contains("  🔵 a ", "  🔴 c ", "  🟢 d ");
        assertThat(JSON.readTree(fleet.call("fleet_status", "format", "json").text()).get("members").get(0).get("icon").asText())
                .isEqualTo("🔵");

        ToolResult renamed = fleet.call("update_member", "member_name", "c", "icon", "Red-Square");
        assertThat(renamed.text()).isEqualTo("Updated member c: icon.\n  Icon:      🟥");
        ToolResult bad = fleet.call("update_member", "member_name", "c", "icon", "*");
        assertThat(bad.isError()).isTrue();
        assertThat(bad.text()).isEqualTo("Invalid input: icon must be a named alias (e.g. blue-circle, red-square, green-square) "
                + "or an emoji of at most 8 characters, got '*'");
        assertThat(fleet.call("list_members").text()).contains("🟥 c (local)");
    }

    /** A refused icon is quoted back escaped: a terminal escape in it cannot act on the screen that shows the error. */
    @Test
    void aRefusedIconIsQuotedBackEscaped() throws Exception {
        fleet.registerLocal("c", tmp.resolve("c"));
        ToolResult bad = fleet.call("update_member", "member_name", "c", "icon", "\u001b]0;PWN\u0007");
        assertThat(bad.isError()).isTrue();
        assertThat(bad.text()).endsWith("got '\\u001b]0;PWN\\u0007'").doesNotContain("\u001b").doesNotContain("\u0007");
    }

    /** A numbered icon with a right-to-left override is refused by its own rule, and the member keeps its icon. */
    @Test
    void anIconHoldingADirectionOverrideIsRefused() throws Exception {
        fleet.registerLocal("c", tmp.resolve("c"));
        ToolResult bad = fleet.call("update_member", "member_name", "c", "icon", "🔵\u202e2");
        assertThat(bad.isError()).isTrue();
        assertThat(bad.text()).isEqualTo("Invalid input: icon " + MemberIcons.INVISIBLE_RULE + ", got '🔵\\u202e2'");
        assertThat(fleet.call("list_members").text()).contains("🔵 c (local)").doesNotContain("\u202e");
    }

    /** An icon in the registry is never shown raw, wherever it came from. */
    @Test
    void anIconHoldingATerminalEscapeIsShownEscapedEverywhere() throws Exception {
        fleet.registerLocal("c", tmp.resolve("c"));
        // A registry written elsewhere (by hand, by an older import) holding such an icon.
        fleet.close();
        Path registry = fleet.home.dataDir().resolve("registry.json");
        JsonNode root = JSON.readTree(registry.toFile());
        ((ObjectNode) root.get("agents").get(0)).put("icon", "\u001b]0;PWN\u0007");
        Files.writeString(registry, JSON.writeValueAsString(root));
        fleet = new FleetHarness(tmp);
        assertThat(fleet.call("list_members").text()).contains("\\u001b]0;PWN\\u0007 c (local)").doesNotContain("\u001b");
        assertThat(fleet.call("member_detail", "member_name", "c").text()).doesNotContain("\u001b");
        assertThat(fleet.call("fleet_status").text()).contains("\\u001b]0;PWN\\u0007 c").doesNotContain("\u001b");
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("\\u001b]0;PWN\\u0007 c:💤 idle\n"));
    }

    @Test
    void membersWithoutAnIconGetOneWhenFleetStarts() throws Exception {
        fleet.registerLocal("old1", tmp.resolve("o1"));
        fleet.registerLocal("old2", tmp.resolve("o2"));
        Path registry = fleet.home.dataDir().resolve("registry.json");
        JsonNode root = JSON.readTree(registry.toFile());
        root.get("agents").forEach(m -> ((ObjectNode) m).remove("icon"));
        Files.writeString(registry, JSON.writeValueAsString(root));
        try (Fleet again = new Fleet(fleet.home.env(), Clock.systemUTC(), () -> { })) {
            JsonNode agents = JSON.readTree(registry.toFile()).get("agents");
            assertThat(agents.get(0).get("icon").asText()).isEqualTo("🔵");
            assertThat(agents.get(1).get("icon").asText()).isEqualTo("🟢");
        }
    }

    @Test
    void listMembersJsonHasTheOriginalKeysInOrder() throws Exception {
        assertThat(fleet.call("list_members", "format", "json").text()).startsWith("No members registered.");
        fleet.registerLocal("here", tmp.resolve("here"));
        Path memberHome = tmp.resolve("member-home");
        try (TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start()) {
            Path key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
            TestKeys.authorize(memberHome, key);
            fleet.call("register_member", "friendly_name", "there", "member_type", "remote", "host", "127.0.0.1", "port", sshd.port(),
                    "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(), "work_folder",
                    memberHome.resolve("w").toString());
            ToolResult r = fleet.call("list_members", "format", "json");
            assertThat(r.text()).doesNotContain("\n").startsWith("{\"total\":2,\"members\":[{");
            JsonNode json = JSON.readTree(r.text());
            JsonNode local = json.get("members").get(0);
            assertThat(keys(local)).containsExactly("id", "name", "icon", "type", "host", "os", "folder", "session", "created", "lastUsed");
            assertThat(local.get("host").asText()).isEqualTo("(local)");
            assertThat(local.get("session").isNull()).isTrue();
            JsonNode remote = json.get("members").get(1);
            assertThat(keys(remote)).containsExactly("id", "name", "icon", "type", "host", "username", "os", "folder", "auth",
                    "session", "created", "lastUsed");
            assertThat(remote.get("host").asText()).isEqualTo("127.0.0.1:" + sshd.port());
            assertThat(remote.get("type").asText()).isEqualTo("remote");
            assertThat(remote.get("auth").asText()).isEqualTo("key");
            assertThat(remote.get("icon").asText()).isEqualTo("🟢");

            JsonNode detail = JSON.readTree(fleet.call("member_detail", "member_name", "there", "format", "json").text());
            assertThat(keys(detail)).containsExactly("name", "icon", "id", "type", "host", "username", "os", "folder", "connectivity",
                    "claude", "session", "resources");
            assertThat(keys(detail.get("connectivity"))).containsExactly("status", "latencyMs", "auth", "keyPath");
            assertThat(keys(detail.get("claude"))).containsExactly("version", "auth");
            assertThat(detail.get("claude").get("auth").asText()).isEqualTo("none");
            assertThat(keys(detail.get("session"))).containsExactly("id", "lastActivity", "status");
            // "idle", or "idle (unrelated Claude processes running)" on a machine where other agents work.
            assertThat(detail.get("session").get("status").asText()).startsWith("idle");
            assertThat(keys(detail.get("resources"))).containsExactly("cpu", "memory", "disk");
            assertThat(detail.get("resources").get("cpu").asText()).startsWith("load ");

            sshd.stop();
            JsonNode offline = JSON.readTree(fleet.call("member_detail", "member_name", "there", "format", "json").text());
            assertThat(keys(offline)).containsExactly("name", "icon", "id", "type", "host", "username", "os", "folder",
                    "connectivity", "offline");
            assertThat(offline.get("connectivity").get("status").asText()).isEqualTo("offline");
            assertThat(offline.get("connectivity").get("auth").asText()).isEqualTo("key");
            assertThat(offline.get("offline").asBoolean()).isTrue();
        }
        JsonNode local = JSON.readTree(fleet.call("member_detail", "member_name", "here", "format", "json").text());
        assertThat(local.get("connectivity").toString()).isEqualTo("{\"status\":\"connected\",\"type\":\"local\"}");
        assertThat(local.get("os").asText()).isEqualTo("linux");
    }

    @Test
    void theStatuslineShowsWorkWhileItRunsAndIdleAfter() throws Exception {
        fleet.registerLocal("alice", tmp.resolve("alice"));
        fleet.registerLocal("bob", tmp.resolve("bob"));
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🔵 alice:💤 idle  🟢 bob:💤 idle\n"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(statusline()))).isEqualTo("rw-------");

        Path release = tmp.resolve("release");
        CompletableFuture<ToolResult> running = CompletableFuture.supplyAsync(() -> fleet.call("execute_command", "member_name", "bob",
                "command", "i=0; while [ ! -f '" + release + "' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; echo done"));
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🟢 bob:⚡ busy  🔵 alice:💤 idle\n"));
        // A probe that sees no agent keeps a member busy while fleet runs its command.
        fleet.call("fleet_status");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> line().startsWith("🟢 bob:⚡ busy"));
        Files.writeString(release, "");
        assertThat(running.get().text()).contains("done");
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🔵 alice:💤 idle  🟢 bob:💤 idle\n"));

        fleet.call("update_member", "member_name", "alice", "friendly_name", "alicia");
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🔵 alicia:💤 idle  🟢 bob:💤 idle\n"));
        fleet.call("remove_member", "member_name", "alicia");
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🟢 bob:💤 idle\n"));
        fleet.call("remove_member", "member_name", "bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("Fleet: no members\n"));
    }

    @Test
    void anUnreachableMemberShowsOfflineUntilItAnswersAgain() throws Exception {
        Path memberHome = tmp.resolve("member-home");
        TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start();
        try (sshd) {
            Path key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
            TestKeys.authorize(memberHome, key);
            fleet.registerLocal("home", tmp.resolve("home-work"));
            fleet.call("register_member", "friendly_name", "far", "member_type", "remote", "host", "127.0.0.1", "port", sshd.port(),
                    "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(), "work_folder",
                    memberHome.resolve("w").toString());
            sshd.stop();
            assertThat(fleet.call("execute_command", "member_name", "far", "command", "true").isError()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🔵 home:💤 idle  🟢 far:❌ offline\n"));
            sshd.restart();
            fleet.call("member_detail", "member_name", "far");
            await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🔵 home:💤 idle  🟢 far:💤 idle\n"));
            sshd.stop();
            fleet.call("fleet_status");
            await().atMost(Duration.ofSeconds(10)).until(() -> line().equals("🔵 home:💤 idle  🟢 far:❌ offline\n"));
        }
    }
}
