package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet install when something is in its way: a step that fails, a link planted among the skill files. */
class ClaudeCodeWiringFailureTest {
    private static final String USER_SETTINGS = "{\"model\": \"opus\"}\n";

    @TempDir
    Path tmp;

    @Test
    void aFailingClaudeMcpAddLeavesTheSettingsAndSkillChangesForUninstallToTakeBack() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/bin/sh\necho 'claude: not logged in' >&2\nexit 3\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path settings = home.resolve(".claude/settings.json");
        Files.createDirectories(settings.getParent());
        Files.writeString(settings, USER_SETTINGS);
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet",
                ClaudeCli.find(Map.of("PATH", bin.toString()), home), tmp.resolve("data/installs"), Clock.systemUTC());

        assertThatThrownBy(() -> wiring.install(false)).isInstanceOf(IOException.class).hasMessageContaining("exit 3");
        assertThat(Files.readString(settings)).contains("mcp__apra-fleet__*", "post-register-member");
        assertThat(home.resolve(".claude/skills/fleet/SKILL.md")).exists();

        ClaudeCodeWiring.Report undone = wiring.uninstall(false);
        assertThat(undone.changes()).isNotEmpty();
        assertThat(settings).content().isEqualTo(USER_SETTINGS);
        assertThat(home.resolve(".claude/skills/fleet")).doesNotExist();
    }

    /**
     * claude mcp add failing after the registration fleet replaces was removed: that registration
     * is put back, and what is said of it leaves out its options (a token may be among them).
     */
    @Test
    void aFailingAddPutsBackTheRegistrationItWasToReplace() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("calls.log");
        Path claude = bin.resolve("claude");
        // Fails only to add fleet's own launcher; every other call succeeds and is logged.
        Files.writeString(claude, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
                + "case \"$*\" in *'mcp add'*/opt/fleet/bin/fleet*) echo 'claude: not logged in' >&2; exit 3;; esac\nexit 0\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve(".claude.json"), "{\"mcpServers\":{\"apra-fleet\":{\"type\":\"stdio\",\"command\":\"node\","
                + "\"args\":[\"/old/index.js\",\"--api-key\",\"sk-old-secret\"],\"env\":{}}}}\n");
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet",
                ClaudeCli.find(Map.of("PATH", bin.toString()), home), tmp.resolve("data/installs"), Clock.systemUTC());

        assertThatThrownBy(() -> wiring.install(false)).isInstanceOf(IOException.class)
                .hasMessageContaining("exit 3")
                .hasMessageContaining("(node /old/index.js ...) is registered again")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-old-secret"));
        assertThat(Files.readAllLines(calls)).containsExactly(
                "mcp remove --scope user apra-fleet",
                "mcp add --scope user apra-fleet -- /opt/fleet/bin/fleet serve",
                "mcp add --scope user apra-fleet -- node /old/index.js --api-key sk-old-secret");
    }

    @Test
    void aLinkInPlaceOfASkillFileIsNeverWrittenThroughAndNothingChanges() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path profile = Files.writeString(home.resolve(".bashrc"), "export MINE=1\n");
        Path skillDir = Files.createDirectories(home.resolve(".claude/skills/fleet"));
        Files.createSymbolicLink(skillDir.resolve("work.md"), profile);
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", java.util.Optional.empty(),
                tmp.resolve("data/installs"), Clock.systemUTC());

        for (boolean dryRun : List.of(true, false)) {
            assertThatThrownBy(() -> wiring.install(dryRun)).isInstanceOf(IOException.class)
                    .hasMessageContaining(skillDir.resolve("work.md") + " is a symbolic link");
        }
        assertThat(profile).content().isEqualTo("export MINE=1\n");
        assertThat(home.resolve(".claude/settings.json")).doesNotExist();
        try (var left = Files.list(skillDir)) {
            assertThat(left).containsExactly(skillDir.resolve("work.md"));
        }
        assertThat(tmp.resolve("data/installs")).doesNotExist();
    }

    @Test
    void aSkillFileOfTheUsersOwnIsKeptAsideAndPutBackByUninstall() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path skillDir = Files.createDirectories(home.resolve(".claude/skills/fleet"));
        Path mine = Files.writeString(skillDir.resolve("work.md"), "my own notes\n");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-------"));
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", java.util.Optional.empty(),
                tmp.resolve("data/installs"), Clock.systemUTC());

        assertThat(wiring.install(true).changes()).anySatisfy(c -> assertThat(c)
                .startsWith("skill: update " + mine).contains("not fleet's", "fleet uninstall puts it back"));
        wiring.install(false);
        assertThat(Files.readString(mine)).isEqualTo(new String(SkillBundle.files().get("work.md"), java.nio.charset.StandardCharsets.UTF_8));
        // A second install (fleet's page is there now) keeps the first copy, not its own page; the
        // edit of fleet's page is kept beside it, the user's as well (EditedSkillReinstallTest).
        Files.writeString(mine, "fleet's page, edited\n");
        assertThat(wiring.install(false).changes()).anySatisfy(c -> assertThat(c)
                .startsWith("skill: update " + mine + " (edited since fleet install wrote it: your page is kept as " + mine + ".edited-"));
        Path editedCopy;
        try (var copies = Files.list(skillDir)) {
            editedCopy = copies.filter(p -> p.getFileName().toString().startsWith("work.md.edited-")).findFirst().orElseThrow();
        }
        assertThat(editedCopy).content().isEqualTo("fleet's page, edited\n");

        assertThat(wiring.uninstall(false).changes()).contains("skill: put back the file that was there before fleet install: " + mine);
        assertThat(mine).content().isEqualTo("my own notes\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine))).as("its own permissions too").isEqualTo("rw-------");
        try (var left = Files.list(skillDir)) {
            assertThat(left).containsExactlyInAnyOrder(mine, editedCopy);
        }
        try (var left = Files.list(tmp.resolve("data/installs"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void projectScopeWritesNothingThroughLinksThatLeadOutOfTheProject() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        Path config = Files.writeString(elsewhere.resolve("config.json"), "{\"app\": \"config\"}\n");
        Path project = Files.createDirectories(tmp.resolve("cloned-repo"));
        Files.createDirectories(project.resolve(".claude"));
        Files.createSymbolicLink(project.resolve(".claude/settings.json"), config);
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.PROJECT, home, project),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", java.util.Optional.empty(),
                tmp.resolve("data/installs"), Clock.systemUTC());

        assertThatThrownBy(() -> wiring.install(false)).isInstanceOf(IOException.class)
                .hasMessageContaining(project.resolve(".claude/settings.json") + " leads outside the project folder");
        assertThat(config).content().isEqualTo("{\"app\": \"config\"}\n");

        // The skills folder, or .claude itself, a link out of the project: refused alike, before anything is written.
        Files.delete(project.resolve(".claude/settings.json"));
        Files.createSymbolicLink(project.resolve(".claude/skills"), elsewhere);
        assertThatThrownBy(() -> wiring.install(true)).hasMessageContaining(project.resolve(".claude/skills/fleet")
                + " leads outside the project folder");
        Files.delete(project.resolve(".claude/skills"));
        Files.delete(project.resolve(".claude"));
        Files.createSymbolicLink(project.resolve(".claude"), elsewhere);
        assertThatThrownBy(() -> wiring.install(false)).hasMessageContaining("leads outside the project folder");
        try (var left = Files.list(elsewhere)) {
            assertThat(left).containsExactly(config);
        }
        assertThat(project.resolve(".claude/settings.json")).doesNotExist();

        // A link that stays inside the project is followed as before.
        Files.delete(project.resolve(".claude"));
        Files.createDirectories(project.resolve("config/claude"));
        Files.createSymbolicLink(project.resolve(".claude"), project.resolve("config/claude"));
        wiring.install(false);
        assertThat(project.resolve("config/claude/settings.json")).content().contains("mcp__apra-fleet__*");
        assertThat(project.resolve("config/claude/skills/fleet/SKILL.md")).exists();
    }

    @Test
    void twoProjectsWhoseFolderNamesShareAStringHashKeepRecordsOfTheirOwn() throws Exception {
        // "Aa".hashCode() == "BB".hashCode(): the record's name came from that hash.
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path a = Files.createDirectories(tmp.resolve("Aa"));
        Path b = Files.createDirectories(tmp.resolve("BB"));
        ClaudeCodeWiring inA = project(home, a);
        ClaudeCodeWiring inB = project(home, b);
        inA.install(false);
        inB.install(false);
        inB.uninstall(false);

        assertThat(inA.uninstall(false).changes()).isNotEmpty();
        assertThat(a.resolve(".claude/settings.json")).doesNotExist();
        assertThat(a.resolve(".claude/skills/fleet")).doesNotExist();
        assertThat(b.resolve(".claude/settings.json")).doesNotExist();
    }

    @Test
    void aRecordNamingAFileOutsideTheSkillFolderDeletesNothingThere() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path profile = Files.writeString(home.resolve(".bashrc"), "export MINE=1\n");
        Path installs = Files.createDirectories(tmp.resolve("data/installs"));
        Files.writeString(installs.resolve("claude-code-user.json"), "{\"skillFiles\": [\"../../../.bashrc\"]}\n");
        ClaudeCodeWiring wiring = new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", java.util.Optional.empty(), installs, Clock.systemUTC());

        ClaudeCodeWiring.Report r = wiring.uninstall(false);

        assertThat(profile).content().isEqualTo("export MINE=1\n");
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("not a plain file name"));
    }

    private ClaudeCodeWiring project(Path home, Path project) {
        return new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.PROJECT, home, project),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", java.util.Optional.empty(),
                tmp.resolve("data/installs"), Clock.systemUTC());
    }
}
