package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compose_permissions on fixture project folders: what a member's agent may do, per role and stack. */
class ComposePermissionsTest {
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

    /** A local member on a folder holding the given marker files. */
    private Path project(String name, String... markers) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("projects/" + name));
        for (String m : markers) {
            Files.writeString(dir.resolve(m), "");
        }
        fleet.registerLocal(name, dir);
        return dir;
    }

    private static List<String> allow(Path folder) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(folder.resolve(".claude/settings.local.json").toFile()).get("permissions").get("allow").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void eachStackAddsItsCommandsForTheRole() throws Exception {
        Map<String, String[]> fixtures = Map.of(
                "node", new String[] {"package.json"}, "python", new String[] {"pyproject.toml"}, "rust", new String[] {"Cargo.toml"},
                "go", new String[] {"go.mod"}, "jvm", new String[] {"pom.xml"}, "cpp", new String[] {"CMakeLists.txt"},
                "dotnet", new String[] {"Shop.sln"});
        Map<String, String> doerCommand = Map.of("node", "Bash(npm:*)", "python", "Bash(pip:*)", "rust", "Bash(cargo:*)",
                "go", "Bash(go:*)", "jvm", "Bash(mvn:*)", "cpp", "Bash(make:*)", "dotnet", "Bash(dotnet:*)");
        Map<String, String> reviewerCommand = Map.of("node", "Bash(npm test:*)", "python", "Bash(python -m pytest:*)",
                "rust", "Bash(cargo clippy:*)", "go", "Bash(go vet:*)", "jvm", "Bash(mvn test:*)", "cpp", "Bash(ctest:*)",
                "dotnet", "Bash(dotnet test:*)");
        for (Map.Entry<String, String[]> f : fixtures.entrySet()) {
            String stack = f.getKey();
            Path dir = project(stack, f.getValue());
            ToolResult doer = fleet.call("compose_permissions", "member_name", stack, "role", "doer");
            assertThat(doer.text()).as(stack).startsWith("✅ Permissions composed for \"" + stack + "\" (doer):\n  Stacks: " + stack + "\n");
            assertThat(allow(dir)).as(stack).contains("Read", "Write", "Edit", "Bash(git:*)", doerCommand.get(stack))
                    .doesNotHaveDuplicates();
            assertThat(doer.text()).contains("Permissions: " + allow(dir).size() + " entries", "Ledger grants: 0");

            fleet.call("compose_permissions", "member_name", stack, "role", "reviewer");
            assertThat(allow(dir)).as(stack).contains("Read", "Grep", "Edit(feedback.md)", reviewerCommand.get(stack))
                    .doesNotContain("Write", "Edit", doerCommand.get(stack));
        }
    }

    /** A local member on a node project whose agent is {@code provider}. */
    private Path agentProject(String name, String provider) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("projects/" + name));
        Files.writeString(dir.resolve("package.json"), "{}");
        ToolResult r = fleet.call("register_member", "friendly_name", name, "member_type", "local", "work_folder", dir.toString(),
                "llm_provider", provider);
        assertThat(r.isError()).as(r.text()).isFalse();
        return dir;
    }

    @Test
    void eachAgentCliGetsThePermissionFileItReadsInItsOwnFormat() throws Exception {
        Path codex = agentProject("codex", "codex");
        Path opencode = agentProject("opencode", "opencode");
        Path copilot = agentProject("copilot", "copilot");
        Path agy = agentProject("agy", "agy");
        Files.writeString(opencode.resolve("opencode.json"), "{\"mcp\": {\"db\": {\"type\": \"local\"}}, \"model\": \"ollama/qwen\"}");
        for (String m : List.of("codex", "opencode", "copilot", "agy")) {
            ToolResult r = fleet.call("compose_permissions", "member_name", m, "role", "doer");
            assertThat(r.isError()).as(r.text()).isFalse();
        }
        assertThat(fleet.call("compose_permissions", "member_name", "codex", "role", "doer").text())
                .contains("Written to: " + codex + "/.codex/config.toml");
        assertThat(Files.readString(codex.resolve(".codex/config.toml")))
                .contains("approval_policy = \"never\"", "sandbox_mode = \"workspace-write\"", "network_access = true");

        JsonNode oc = JSON.readTree(opencode.resolve("opencode.json").toFile());
        assertThat(oc.at("/permission/edit").asText()).isEqualTo("allow");
        assertThat(oc.at("/permission/bash/npm *").asText()).isEqualTo("allow");
        assertThat(oc.at("/permission/bash/git *").asText()).isEqualTo("allow");
        assertThat(oc.at("/permission/bash/*").asText()).isEqualTo("deny");
        assertThat(oc.at("/mcp/db/type").asText()).as("the user's own keys are kept").isEqualTo("local");
        assertThat(oc.get("model").asText()).isEqualTo("ollama/qwen");

        JsonNode cp = JSON.readTree(copilot.resolve(".github/copilot/settings.local.json").toFile());
        assertThat(cp.get("allow-all-tools").asBoolean(true)).isFalse();
        assertThat(cp.at("/tools/allow").toString()).contains("\"write\"", "\"shell(npm)\"", "\"shell(git)\"");

        JsonNode ag = JSON.readTree(agy.resolve(".gemini/antigravity-cli/settings.json").toFile());
        assertThat(ag.at("/permissions/allow").toString()).contains("{\"action\":\"command\",\"target\":\"npm\"}",
                "{\"action\":\"write_file\",\"target\":\"*\"}", "{\"action\":\"read_file\",\"target\":\"*\"}");

        for (Path dir : List.of(codex, opencode, copilot, agy)) {
            assertThat(dir.resolve(".claude/settings.local.json")).as("a file the member's CLI does not read").doesNotExist();
        }

        // A reviewer gets the narrower file of each CLI.
        for (String m : List.of("codex", "opencode", "copilot", "agy")) {
            fleet.call("compose_permissions", "member_name", m, "role", "reviewer");
        }
        assertThat(Files.readString(codex.resolve(".codex/config.toml"))).contains("sandbox_mode = \"read-only\"")
                .doesNotContain("workspace-write");
        oc = JSON.readTree(opencode.resolve("opencode.json").toFile());
        assertThat(oc.at("/permission/edit").asText()).isEqualTo("deny");
        assertThat(oc.at("/permission/bash/npm test *").asText()).isEqualTo("allow");
        assertThat(oc.at("/permission/bash").has("npm *")).isFalse();
        assertThat(JSON.readTree(copilot.resolve(".github/copilot/settings.local.json").toFile()).at("/tools/allow").toString())
                .doesNotContain("\"write\"").contains("shell(npm test)");
        assertThat(JSON.readTree(agy.resolve(".gemini/antigravity-cli/settings.json").toFile()).at("/permissions/allow").toString())
                .contains("{\"action\":\"write_file\",\"target\":\"feedback.md\"}").doesNotContain("{\"action\":\"write_file\",\"target\":\"*\"}");
    }

    @Test
    void grantsGoIntoTheMembersOwnFileAndCodexWhichHasNoCommandListSaysSo() throws Exception {
        Path opencode = agentProject("opencode", "opencode");
        Path codex = agentProject("codex", "codex");
        fleet.call("compose_permissions", "member_name", "opencode", "role", "reviewer");
        ToolResult g = fleet.call("compose_permissions", "member_name", "opencode", "role", "reviewer", "grant", List.of("Bash(docker:*)"));
        assertThat(g.isError()).as(g.text()).isFalse();
        JsonNode bash = JSON.readTree(opencode.resolve("opencode.json").toFile()).at("/permission/bash");
        assertThat(bash.get("docker *").asText()).isEqualTo("allow");
        assertThat(bash.get("npm test *").asText()).as("kept").isEqualTo("allow");
        List<String> order = new ArrayList<>();
        bash.fieldNames().forEachRemaining(order::add);
        assertThat(order).last().as("the catch-all stays last").isEqualTo("*");

        fleet.call("compose_permissions", "member_name", "codex", "role", "doer");
        String before = Files.readString(codex.resolve(".codex/config.toml"));
        ToolResult refused = fleet.call("compose_permissions", "member_name", "codex", "role", "doer", "grant", List.of("Bash(docker:*)"));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("Codex has no per-command permissions");
        assertThat(Files.readString(codex.resolve(".codex/config.toml"))).isEqualTo(before);
    }

    @Test
    void aCodexConfigTheUserWroteIsNotOverwritten() throws Exception {
        Path codex = agentProject("codex", "codex");
        Files.createDirectories(codex.resolve(".codex"));
        Files.writeString(codex.resolve(".codex/config.toml"), "model = \"o3\"\n");
        ToolResult r = fleet.call("compose_permissions", "member_name", "codex", "role", "doer");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains(".codex/config.toml exists and was not written by fleet");
        assertThat(Files.readString(codex.resolve(".codex/config.toml"))).isEqualTo("model = \"o3\"\n");
    }

    @Test
    void severalStacksAndNoneAreReportedAndOnlyTheWorkFolderCounts() throws Exception {
        Files.writeString(fleet.home.home().resolve("package.json"), "{}"); // the home is not the project
        Path mixed = project("mixed", "Makefile", "go.mod", "package.json", "App.csproj", "composer.json");
        ToolResult r = fleet.call("compose_permissions", "member_name", "mixed", "role", "doer");
        assertThat(r.text()).contains("Stacks: node, go, cpp, php, dotnet");
        assertThat(allow(mixed)).contains("Bash(npm:*)", "Bash(go:*)", "Bash(make:*)", "Bash(dotnet:*)");

        Path empty = project("empty");
        assertThat(fleet.call("compose_permissions", "member_name", "empty", "role", "doer").text()).contains("Stacks: none detected");
        assertThat(allow(empty)).doesNotContain("Bash(npm:*)").contains("Bash(git:*)");
    }

    @Test
    void otherSettingsInTheFileAreKeptAndTheAllowListIsReplaced() throws Exception {
        Path dir = project("keep", "package.json");
        Files.createDirectories(dir.resolve(".claude"));
        Files.writeString(dir.resolve(".claude/settings.local.json"), "{\"env\":{\"FOO\":\"bär\"},\"hooks\":{\"Stop\":[]},"
                + "\"permissions\":{\"allow\":[\"Bash(old:*)\"],\"deny\":[\"Bash(rm -rf /:*)\"],\"defaultMode\":\"acceptEdits\"}}");
        fleet.call("compose_permissions", "member_name", "keep", "role", "reviewer");
        JsonNode s = JSON.readTree(dir.resolve(".claude/settings.local.json").toFile());
        assertThat(s.get("env").get("FOO").asText()).isEqualTo("bär");
        assertThat(s.get("hooks").has("Stop")).isTrue();
        assertThat(s.get("permissions").get("deny").get(0).asText()).isEqualTo("Bash(rm -rf /:*)");
        assertThat(s.get("permissions").get("defaultMode").asText()).isEqualTo("acceptEdits");
        assertThat(allow(dir)).doesNotContain("Bash(old:*)").contains("Bash(npm test:*)");

        Files.writeString(dir.resolve(".claude/settings.local.json"), "{ not json");
        ToolResult broken = fleet.call("compose_permissions", "member_name", "keep", "role", "doer");
        assertThat(broken.isError()).isTrue();
        assertThat(broken.text()).startsWith("❌ ").contains("settings.local.json is not a JSON object");
        assertThat(Files.readString(dir.resolve(".claude/settings.local.json"))).isEqualTo("{ not json");
    }

    @Test
    void theLedgerRecordsStacksAndItsGrantsJoinEveryComposition() throws Exception {
        Path dir = project("led", "requirements.txt");
        Path pm = Files.createDirectories(tmp.resolve("pm-project"));
        Files.writeString(pm.resolve("permissions.json"), "{\"_example_granted_entry\":{\"permission\":\"x\"},\"stacks\":[],"
                + "\"granted\":[{\"permission\":\"Bash(docker:*)\",\"reason\":\"images\",\"date\":\"2026-01-02\"}]}");
        ToolResult r = fleet.call("compose_permissions", "member_name", "led", "role", "reviewer", "project_folder", pm.toString());
        assertThat(r.text()).contains("Stacks: python", "Ledger grants: 1");
        assertThat(allow(dir)).contains("Bash(docker:*)", "Bash(pytest:*)");
        JsonNode ledger = JSON.readTree(pm.resolve("permissions.json").toFile());
        assertThat(ledger.get("stacks").get(0).asText()).isEqualTo("python");
        assertThat(ledger.has("_example_granted_entry")).isTrue();
        assertThat(Files.readString(pm.resolve("permissions.json"))).endsWith("}\n");

        Path fresh = Files.createDirectories(tmp.resolve("fresh-project"));
        fleet.call("compose_permissions", "member_name", "led", "role", "doer", "project_folder", fresh.toString());
        assertThat(JSON.readTree(fresh.resolve("permissions.json").toFile()).get("stacks").get(0).asText()).isEqualTo("python");
        assertThat(fleet.call("compose_permissions", "member_name", "led", "role", "doer", "project_folder",
                tmp.resolve("nope").toString()).text()).startsWith("❌ project_folder ").contains("is not a folder");

        // A project cloned with links: the ledger is neither read nor written through one.
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.json"), "{\"token\":\"SECRET\"}");
        Path linked = Files.createDirectories(tmp.resolve("linked-project"));
        Files.createSymbolicLink(linked.resolve("permissions.json"), elsewhere);
        ToolResult refused = fleet.call("compose_permissions", "member_name", "led", "role", "doer", "project_folder", linked.toString());
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("is a link").doesNotContain("SECRET");
        assertThat(elsewhere).hasContent("{\"token\":\"SECRET\"}");
        Path planted = Files.createDirectories(tmp.resolve("planted-project"));
        Files.createSymbolicLink(planted.resolve("permissions.json." + ProcessHandle.current().pid() + ".tmp"), elsewhere);
        ToolResult saved = fleet.call("compose_permissions", "member_name", "led", "role", "doer", "project_folder", planted.toString());
        assertThat(saved.isError()).as(saved.text()).isFalse();
        assertThat(elsewhere).hasContent("{\"token\":\"SECRET\"}");
        assertThat(JSON.readTree(planted.resolve("permissions.json").toFile()).get("stacks").get(0).asText()).isEqualTo("python");
    }

    @Test
    void grantsAddWhatComesWithThemAndAreRecordedOnce() throws Exception {
        Path dir = project("grantee", "package.json");
        Path pm = Files.createDirectories(tmp.resolve("pm"));
        fleet.call("compose_permissions", "member_name", "grantee", "role", "doer");
        int before = allow(dir).size();
        ToolResult r = fleet.call("compose_permissions", "member_name", "grantee", "role", "doer", "project_folder", pm.toString(),
                "grant", List.of("Bash(docker:*)", "Bash(python:*)"), "grant_reason", "integration tests need containers");
        assertThat(r.text()).isEqualTo("✅ Granted 5 permissions on \"grantee\":\n  Bash(docker:*)\n  Bash(docker-compose:*)\n"
                + "  Bash(docker buildx:*)\n  Bash(python:*)\n  Bash(python3:*)");
        assertThat(allow(dir)).hasSize(before + 5).contains("Bash(npm:*)", "Bash(docker buildx:*)", "Bash(python3:*)");
        JsonNode granted = JSON.readTree(pm.resolve("permissions.json").toFile()).get("granted");
        assertThat(granted).hasSize(5);
        assertThat(granted.get(0).get("reason").asText()).isEqualTo("integration tests need containers");
        assertThat(granted.get(0).get("date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());

        fleet.call("compose_permissions", "member_name", "grantee", "role", "doer", "project_folder", pm.toString(),
                "grant", List.of("Bash(docker:*)", "Bash(kubectl:*)"));
        granted = JSON.readTree(pm.resolve("permissions.json").toFile()).get("granted");
        assertThat(granted).hasSize(7);
        assertThat(granted.get(6).get("permission").asText()).isEqualTo("Bash(helm:*)");
        assertThat(granted.get(6).get("reason").asText()).isEqualTo("granted mid-sprint");

        // A later composition keeps them: they are in the ledger.
        fleet.call("compose_permissions", "member_name", "grantee", "role", "reviewer", "project_folder", pm.toString());
        assertThat(allow(dir)).contains("Bash(helm:*)", "Bash(docker-compose:*)");
    }

    @Test
    void dangerousGrantsAreRefusedAndChangeNothing() throws Exception {
        Path dir = project("guarded", "go.mod");
        fleet.call("compose_permissions", "member_name", "guarded", "role", "doer");
        String before = Files.readString(dir.resolve(".claude/settings.local.json"));
        for (List<String> bad : List.of(List.of("Bash(sudo:*)"), List.of("Bash(npm:*)", "Bash(printenv:*)"),
                List.of("Bash(sudo apt-get install:*)"), List.of("Bash(chmod 777:*)"), List.of("Bash(*)"), List.of("Bash"),
                List.of("Bash(nc -l:*)"), List.of("Bash(env:*)"))) {
            ToolResult r = fleet.call("compose_permissions", "member_name", "guarded", "role", "doer", "grant", bad);
            assertThat(r.isError()).as(bad.toString()).isTrue();
            assertThat(r.text()).startsWith("❌ Cannot auto-grant dangerous permissions: ").endsWith(". Escalate to user.")
                    .doesNotContain("Bash(npm:*)");
        }
        assertThat(Files.readString(dir.resolve(".claude/settings.local.json"))).isEqualTo(before);
        assertThat(fleet.call("compose_permissions", "member_name", "guarded", "role", "doer", "grant", List.of("rm -rf /")).text())
                .startsWith("Invalid input: grant item 'rm -rf /' must be a Claude Code permission rule");
        assertThat(fleet.call("compose_permissions", "member_name", "guarded", "role", "doer", "grant_reason", "x").text())
                .isEqualTo("Invalid input: grant_reason applies only with grant");
    }

    @Test
    void profilesInTheDataDirReplaceTheShippedOnes() throws Exception {
        Path dir = project("custom", "package.json");
        Path profiles = Files.createDirectories(fleet.home.dataDir().resolve("permission-profiles"));
        Files.writeString(profiles.resolve("node.json"), "{\"dev\":[\"Bash(bun:*)\"],\"reviewer\":[\"Bash(bun test:*)\"]}");
        fleet.call("compose_permissions", "member_name", "custom", "role", "doer");
        assertThat(allow(dir)).contains("Bash(bun:*)").doesNotContain("Bash(npm:*)");
        Files.writeString(profiles.resolve("base-dev.json"), "[oops");
        assertThat(fleet.call("compose_permissions", "member_name", "custom", "role", "doer").text())
                .startsWith("❌ Permission profile ").contains("base-dev.json is not valid JSON");
    }

    /**
     * A cloned repository can hold links. Fleet reads and writes the settings file only inside the
     * work folder: never through a folder on the way that leads out of it, never through the file
     * when it is a link (it could lead to a secret, which would then be copied into the repository).
     */
    @Test
    void linksInTheWorkFolderAreNeitherReadNorWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        Path creds = Files.writeString(outside.resolve("creds.json"), "{\"claudeAiOauth\":{\"accessToken\":\"SECRET-TOKEN\"}}");

        Path linkedFile = project("linked-file", "go.mod");
        Files.createSymbolicLink(Files.createDirectories(linkedFile.resolve(".claude")).resolve("settings.local.json"), creds);
        ToolResult r = fleet.call("compose_permissions", "member_name", "linked-file", "role", "doer");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains(".claude/settings.local.json is a link").doesNotContain("SECRET");
        assertThat(Files.isSymbolicLink(linkedFile.resolve(".claude/settings.local.json"))).isTrue();
        assertThat(Files.readString(creds)).doesNotContain("permissions");

        Path linkedFolder = project("linked-folder", "go.mod");
        Files.createSymbolicLink(linkedFolder.resolve(".claude"), outside);
        r = fleet.call("compose_permissions", "member_name", "linked-folder", "role", "doer");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains(".claude in the work folder leads out of it");
        assertThat(outside.resolve("settings.local.json")).doesNotExist();

        // The temporary name an earlier fleet wrote through, planted as a link: not used any more.
        Path planted = project("planted", "go.mod");
        Files.createSymbolicLink(Files.createDirectories(planted.resolve(".claude")).resolve("settings.local.json.fleet-tmp"), victim);
        r = fleet.call("compose_permissions", "member_name", "planted", "role", "doer");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(allow(planted)).contains("Bash(go:*)");

        // A link that stays inside the work folder is followed.
        Path inside = project("inside", "go.mod");
        Files.createSymbolicLink(inside.resolve(".claude"), Files.createDirectories(inside.resolve("shared")));
        r = fleet.call("compose_permissions", "member_name", "inside", "role", "doer");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(inside.resolve("shared/settings.local.json")).exists();
    }

    /**
     * A repository can hold a folder under the settings file's name, or a file under its folder's:
     * the call fails naming what is in the way, instead of reporting permissions the agent CLI
     * never reads (the new file used to be moved into the folder of that name).
     */
    @Test
    void somethingOtherThanAFileUnderTheSettingsNameIsRefusedNotReportedWritten() throws Exception {
        Path folderNamed = project("folder-named", "go.mod");
        Path taken = Files.createDirectories(folderNamed.resolve(".claude/settings.local.json"));
        ToolResult r = fleet.call("compose_permissions", "member_name", "folder-named", "role", "doer");
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(r.text()).contains(".claude/settings.local.json is not a file");
        try (var inside = Files.list(taken)) {
            assertThat(inside).isEmpty();
        }

        Path fileNamed = project("file-named", "go.mod");
        Files.writeString(fileNamed.resolve(".claude"), "a file\n");
        r = fleet.call("compose_permissions", "member_name", "file-named", "role", "doer");
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(r.text()).contains(".claude in the work folder is a file, not a folder").doesNotContain("leads out");
        assertThat(fileNamed.resolve(".claude")).hasContent("a file");
    }

    @Test
    void onARemoteMemberTheWorkFolderIsInspectedAndWrittenNotTheHome() throws Exception {
        Path memberHome = tmp.resolve("member-home");
        try (TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start()) {
            Path key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
            TestKeys.authorize(memberHome, key);
            Files.writeString(memberHome.resolve("Cargo.toml"), "");
            Path work = Files.createDirectories(memberHome.resolve("proj"));
            Files.writeString(work.resolve("go.mod"), "module x\n");
            assertThat(fleet.call("register_member", "friendly_name", "far", "member_type", "remote", "host", "127.0.0.1",
                    "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                    "work_folder", work.toString()).isError()).isFalse();
            ToolResult r = fleet.call("compose_permissions", "member_name", "far", "role", "doer");
            assertThat(r.text()).contains("Stacks: go\n", "Written to: " + work + "/.claude/settings.local.json");
            assertThat(allow(work)).contains("Bash(go:*)").doesNotContain("Bash(cargo:*)");
            assertThat(memberHome.resolve(".claude/settings.local.json")).doesNotExist();

            ToolResult granted = fleet.call("compose_permissions", "member_name", "far", "role", "doer", "grant", List.of("Bash(pip:*)"));
            assertThat(granted.text()).contains("Bash(pip3:*)");
            assertThat(allow(work)).contains("Bash(go:*)", "Bash(pip3:*)");

            sshd.stop();
            ToolResult offline = fleet.call("compose_permissions", "member_name", "far", "role", "doer");
            assertThat(offline.isError()).isTrue();
            assertThat(offline.text()).startsWith("❌ Member \"far\" is offline: ");
        }
    }
}
