package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet install / uninstall of the built jar against a throwaway home, with a stand-in for
 * Claude Code's CLI that records its arguments, and a settings.json holding the user's own keys.
 */
class InstallIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Written the way a person might: four-space indents, keys in their own order. */
    private static final String USER_SETTINGS = """
            {
                "model": "opus",
                "permissions": {
                    "allow": ["Bash(ls:*)"],
                    "deny": ["Read(./.env)"]
                },
                "hooks": {
                    "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo pre"}]}]
                },
                "statusLine": {"type": "command", "command": "my-own-statusline"},
                "env": {"FOO": "bar"}
            }
            """;
    private static final String ORIGINAL_SERVER = "{\"mcpServers\":{\"apra-fleet\":{\"type\":\"stdio\",\"command\":\"node\","
            + "\"args\":[\"/old/apra-fleet/dist/index.js\"],\"env\":{}}}}\n";

    @TempDir
    Path tmp;
    Path home;
    Path settings;
    Path calls;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        try (InputStream in = InstallIT.class.getResourceAsStream("/fake/claude-mcp")) {
            Files.write(bin.resolve("claude"), in.readAllBytes());
        }
        Files.setPosixFilePermissions(bin.resolve("claude"), PosixFilePermissions.fromString("rwxr-xr-x"));
        settings = home.resolve(".claude/settings.json");
        calls = home.resolve(".fake-claude/mcp-calls.log");
    }

    @Test
    void installMergesIntoUserSettingsAndUninstallRestoresThem() throws Exception {
        Files.createDirectories(settings.getParent());
        Files.writeString(settings, USER_SETTINGS);
        Files.writeString(home.resolve(".claude.json"), ORIGINAL_SERVER);

        Run dry = fleet(home, "install", "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).contains("dry run", "allow mcp__apra-fleet__*", "post-registration hook", "status line",
                "skill: write", "claude mcp add --scope user apra-fleet", "replacing node /old/apra-fleet/dist/index.js",
                "\"mcpServers\"");
        assertThat(settings).content().isEqualTo(USER_SETTINGS);
        assertThat(home.resolve(".claude/skills")).doesNotExist();
        assertThat(calls).doesNotExist();

        Run installed = fleet(home, "install");
        assertThat(installed.exit()).as(installed.err()).isZero();
        JsonNode s = JSON.readTree(settings.toFile());
        assertThat(s.get("model").asText()).isEqualTo("opus");
        assertThat(s.get("env").get("FOO").asText()).isEqualTo("bar");
        assertThat(texts(s.at("/permissions/allow"))).containsExactly("Bash(ls:*)", "mcp__apra-fleet__*",
                "Read(~/.claude/skills/fleet/**)");
        assertThat(texts(s.at("/permissions/deny"))).containsExactly("Read(./.env)");
        assertThat(s.at("/hooks/PreToolUse/0/hooks/0/command").asText()).isEqualTo("echo pre");
        assertThat(s.at("/hooks/PostToolUse/0/matcher").asText()).isEqualTo("mcp__apra-fleet__register_member");
        String hook = s.at("/hooks/PostToolUse/0/hooks/0/command").asText();
        assertThat(hook).endsWith("hook post-register-member");
        assertThat(s.at("/statusLine/command").asText()).endsWith(" statusline");
        assertThat(home.resolve(".claude/skills/fleet/SKILL.md")).content().startsWith("---\nname: fleet\n");
        assertThat(home.resolve(".claude/skills/fleet/doer-reviewer.md")).exists();
        assertThat(Files.readAllLines(calls)).containsExactly("mcp remove --scope user apra-fleet",
                "mcp add --scope user apra-fleet -- " + String.join(" ", javaJar()) + " serve");
        assertThat(backups()).hasSize(1);
        assertThat(backups().get(0)).content().isEqualTo(USER_SETTINGS);

        // The hook the settings name really answers Claude Code with an onboarding checklist.
        String answer = shell(hook, "{\"tool_name\":\"mcp__apra-fleet__register_member\","
                + "\"tool_response\":[{\"type\":\"text\",\"text\":\"Registered member gpu-box\"}]}");
        JsonNode decision = JSON.readTree(answer);
        assertThat(decision.get("decision").asText()).isEqualTo("block");
        assertThat(decision.at("/hookSpecificOutput/hookEventName").asText()).isEqualTo("PostToolUse");
        assertThat(decision.at("/hookSpecificOutput/additionalContext").asText()).contains("setup_ssh_key", "member_detail");
        // So does the status line: no server has written one in this data folder yet.
        assertThat(shell(s.at("/statusLine/command").asText(), "{}")).contains("Fleet: no status");

        byte[] afterFirst = Files.readAllBytes(settings);
        Run again = fleet(home, "install");
        assertThat(again.out()).contains("nothing to change");
        assertThat(Files.readAllBytes(settings)).isEqualTo(afterFirst);
        assertThat(Files.readAllLines(calls)).hasSize(2);
        assertThat(backups()).hasSize(1);

        Run dryUninstall = fleet(home, "uninstall", "--dry-run");
        assertThat(dryUninstall.out()).contains("dry run", "remove mcp__apra-fleet__*", "put back the earlier status line",
                "claude mcp remove --scope user apra-fleet");
        assertThat(Files.readAllBytes(settings)).isEqualTo(afterFirst);

        Run removed = fleet(home, "uninstall");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(settings).content().isEqualTo(USER_SETTINGS);
        assertThat(home.resolve(".claude/skills/fleet")).doesNotExist();
        assertThat(Files.readAllLines(calls)).endsWith("mcp remove --scope user apra-fleet",
                "mcp add --scope user apra-fleet -- node /old/apra-fleet/dist/index.js");
        assertThat(JSON.readTree(home.resolve(".claude.json").toFile()).at("/mcpServers/apra-fleet/command").asText())
                .isEqualTo("node");
        assertThat(fleet(home, "uninstall").out()).contains("nothing to take back");
    }

    @Test
    void projectScopeWritesIntoTheProjectAndUninstallLeavesNothingBehind() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Run installed = fleetIn(project, "install", "--scope", "project");
        assertThat(installed.exit()).as(installed.err()).isZero();
        Path projectSettings = project.resolve(".claude/settings.json");
        JsonNode s = JSON.readTree(projectSettings.toFile());
        assertThat(texts(s.at("/permissions/allow"))).containsExactly("mcp__apra-fleet__*", "Read(.claude/skills/fleet/**)");
        assertThat(project.resolve(".claude/skills/fleet/SKILL.md")).exists();
        assertThat(JSON.readTree(project.resolve(".mcp.json").toFile()).at("/mcpServers/apra-fleet/args").toString())
                .endsWith("\"serve\"]");
        assertThat(settings).doesNotExist();

        assertThat(fleetIn(project, "install", "--scope", "project").out()).contains("nothing to change");
        assertThat(fleetIn(project, "uninstall", "--scope", "project").exit()).isZero();
        assertThat(projectSettings).doesNotExist();
        assertThat(project.resolve(".claude/skills/fleet")).doesNotExist();
        assertThat(project.resolve(".claude")).as("install created it; nothing else is in it").doesNotExist();
        assertThat(JSON.readTree(project.resolve(".mcp.json").toFile()).get("mcpServers").isEmpty()).isTrue();
        assertThat(Files.readAllLines(calls)).containsExactly(
                "mcp add --scope project apra-fleet -- " + String.join(" ", javaJar()) + " serve",
                "mcp remove --scope project apra-fleet");
    }

    @Test
    void aBadScopeIsRefusedAndChangesNothing() throws Exception {
        Run r = fleet(home, "install", "--scope", "everywhere");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--scope must be user or project");
        assertThat(home.resolve(".claude")).doesNotExist();
    }

    private List<Path> backups() throws Exception {
        try (Stream<Path> files = Files.list(settings.getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith("settings.json.fleet-backup-")).toList();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aSettingsFileFleetCannotReadStopsInstallAndUninstallWithOneLineNamingIt() throws Exception {
        Files.createDirectories(settings.getParent());
        String broken = "{\"model\": sk-ant-notQuoted }\n";
        Files.writeString(settings, broken);
        for (String verb : List.of("install", "uninstall")) {
            Files.createDirectories(tmp.resolve("data/installs"));
            Files.writeString(tmp.resolve("data/installs/claude-code-user.json"), "{\"settingsCreated\": false}\n");
            Run r = fleet(home, verb);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("fleet " + verb + ": " + settings + " is not valid JSON at line 1, column 11")
                    .doesNotContain("Exception", "\tat ", "sk-ant").hasLineCount(1);
        }
        Files.writeString(settings, "{\"permissions\": []}\n");
        Run r = fleet(home, "install");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("fleet install: settings.json: \"permissions\" is not a JSON object; fix it by hand first");
        assertThat(settings).content().isEqualTo("{\"permissions\": []}\n");
        assertThat(home.resolve(".claude/skills")).doesNotExist();
    }

    private static List<String> javaJar() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(System.getProperty("fleet.jar")).toAbsolutePath().toString());
    }

    private Run fleet(Path workDir, String... args) throws Exception {
        return fleetIn(workDir, args);
    }

    private Run fleetIn(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(javaJar());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(env());
        return run(pb, null);
    }

    private String shell(String command, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(home.toFile());
        pb.environment().putAll(env());
        Run r = run(pb, stdin);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", tmp.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
        env.put("APRA_FLEET_DATA_DIR", tmp.resolve("data").toString());
        return env;
    }

    private Run run(ProcessBuilder pb, String stdin) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", pb.command()) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
