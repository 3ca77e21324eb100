package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .claude/skills} folder around fleet's skill: uninstall removes it only when install
 * created it, it is a real folder and nothing else is in it.
 */
class SkillsFolderUninstallTest {
    @TempDir
    Path tmp;

    private Path home;
    private Path skills;
    private Path records;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        skills = home.resolve(".claude/skills");
        records = tmp.resolve("data/installs");
    }

    private ClaudeCodeWiring wiring() {
        // No claude CLI: install still writes the settings and the skill, which is what this is about.
        return new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", Optional.empty(), records, Clock.systemUTC());
    }

    @Test
    void theSkillsFolderInstallCreatedGoesWithUninstall() throws Exception {
        wiring().install(false);
        assertThat(skills.resolve("fleet/SKILL.md")).isRegularFile();

        ClaudeCodeWiring.Report dry = wiring().uninstall(true);
        assertThat(dry.changes()).contains(
                "skill: remove the folder " + skills.resolve("fleet") + " (fleet install created it and nothing else is in it)",
                "skill: remove the folder " + skills + " (fleet install created it and nothing else is in it)");
        assertThat(skills.resolve("fleet/SKILL.md")).isRegularFile();

        wiring().uninstall(false);
        assertThat(skills).doesNotExist();
        // Install made .claude here too, and nothing else is in it: it goes as well (below).
        assertThat(home.resolve(".claude")).doesNotExist();
    }

    @Test
    void theClaudeFolderInstallCreatedGoesWithUninstallAndNoCopyOfFleetsOwnSettingsIsLeft() throws Exception {
        Path claude = home.resolve(".claude");
        wiring().install(false);
        assertThat(claude.resolve("settings.json")).isRegularFile();

        ClaudeCodeWiring.Report dry = wiring().uninstall(true);
        assertThat(dry.changes()).contains("remove the folder " + claude + " (fleet install created it and nothing else is in it)");
        assertThat(claude.resolve("settings.json")).isRegularFile();

        wiring().uninstall(false);
        assertThat(claude).doesNotExist();
        assertThat(home).isEmptyDirectory();
    }

    @Test
    void aClaudeFolderTheUserHadStaysEvenWhenEmpty() throws Exception {
        Path claude = Files.createDirectories(home.resolve(".claude"));
        wiring().install(false);
        assertThat(wiring().uninstall(true).changes()).noneMatch(c -> c.startsWith("remove the folder " + claude + " "));
        wiring().uninstall(false);
        assertThat(claude).isDirectory().isEmptyDirectory();
    }

    @Test
    void aClaudeFolderInstallCreatedStaysWhenItHoldsAnythingElse() throws Exception {
        Path claude = home.resolve(".claude");
        wiring().install(false);
        // Claude Code's own file, written there since.
        Path local = Files.writeString(claude.resolve("settings.local.json"), "{}\n");
        wiring().uninstall(false);
        assertThat(claude.resolve("settings.json")).doesNotExist();
        assertThat(skills).doesNotExist();
        assertThat(local).content().isEqualTo("{}\n");
    }

    @Test
    void aRecordWrittenBeforeTheClaudeFolderWasRecordedNeverRemovesIt() throws Exception {
        Path claude = home.resolve(".claude");
        wiring().install(false);
        try (var recordFiles = Files.list(records)) {
            for (Path f : recordFiles.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                Files.writeString(f, Files.readString(f).replaceAll("\"claudeFolderCreated\" *: *true", "\"claudeFolderCreated\" : false"));
            }
        }
        wiring().uninstall(false);
        assertThat(skills).doesNotExist();
        assertThat(claude).isDirectory().isEmptyDirectory();
    }

    @Test
    void aSecondInstallKeepsTheWordThatTheFirstCreatedTheFolder() throws Exception {
        wiring().install(false);
        wiring().install(false);
        wiring().uninstall(false);
        assertThat(skills).doesNotExist();
        assertThat(home.resolve(".claude")).doesNotExist();
    }

    @Test
    void theUsersOwnSkillsFolderStaysEvenWhenEmpty() throws Exception {
        Files.createDirectories(skills);
        wiring().install(false);
        wiring().uninstall(false);
        assertThat(skills.resolve("fleet")).doesNotExist();
        assertThat(skills).isDirectory().isEmptyDirectory();
    }

    @Test
    void aSkillsFolderInstallCreatedStaysWhenItHoldsAnythingElse() throws Exception {
        wiring().install(false);
        Path mine = Files.writeString(skills.resolve("notes.md"), "mine\n");
        Path otherSkill = Files.createDirectories(skills.resolve("other-skill"));

        ClaudeCodeWiring.Report dry = wiring().uninstall(true);
        assertThat(dry.changes()).noneMatch(c -> c.startsWith("skill: remove the folder " + skills + " "));

        wiring().uninstall(false);
        assertThat(skills.resolve("fleet")).doesNotExist();
        assertThat(mine).content().isEqualTo("mine\n");
        assertThat(otherSkill).isDirectory();
    }

    @Test
    void aFileTheUserPutInFleetsFolderKeepsBothFolders() throws Exception {
        wiring().install(false);
        Path mine = Files.writeString(skills.resolve("fleet/mine.md"), "mine\n");
        wiring().uninstall(false);
        assertThat(skills.resolve("fleet/SKILL.md")).doesNotExist();
        assertThat(mine).content().isEqualTo("mine\n");
    }

    @Test
    void aLinkInPlaceOfTheSkillsFolderIsLeftAndSoIsWhatItLeadsTo() throws Exception {
        wiring().install(false);
        Path moved = Files.move(skills, home.resolve(".claude/skills-elsewhere"));
        Files.createSymbolicLink(skills, moved);

        wiring().uninstall(false);
        assertThat(Files.isSymbolicLink(skills)).isTrue();
        assertThat(moved).isDirectory();
    }

    @Test
    void aLinkInPlaceOfFleetsOwnFolderIsLeftAndSoIsTheSkillsFolderHoldingIt() throws Exception {
        wiring().install(false);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        for (String name : SkillBundle.files().keySet()) {
            Files.move(skills.resolve("fleet").resolve(name), elsewhere.resolve(name));
        }
        Files.delete(skills.resolve("fleet"));
        Files.createSymbolicLink(skills.resolve("fleet"), elsewhere);

        ClaudeCodeWiring.Report report = wiring().uninstall(false);
        assertThat(Files.exists(skills.resolve("fleet"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(skills).isDirectory();
        // Files with the skill's names behind the link are not fleet's: none is removed.
        for (String name : SkillBundle.files().keySet()) {
            assertThat(elsewhere.resolve(name)).isRegularFile();
        }
        assertThat(String.join("\n", report.notes())).contains("is now a symbolic link");
    }

    @Test
    void installRefusesToWriteItsSkillThroughALinkedSkillFolder() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createDirectories(skills);
        Files.createSymbolicLink(skills.resolve("fleet"), elsewhere);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wiring().install(false))
                .hasMessageContaining("is a symbolic link").hasMessageContaining("never through a link");
        try (var files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aRecordFromBeforeThisWasRecordedNeverRemovesTheSkillsFolder() throws Exception {
        wiring().install(false);
        Path record = records.resolve("claude-code-user.json");
        assertThat(record).content().contains("\"skillsFolderCreated\": true");
        Files.writeString(record, Files.readString(record).replaceAll("\"skillsFolderCreated\": true,\\s*", ""));

        wiring().uninstall(false);
        assertThat(skills.resolve("fleet")).doesNotExist();
        assertThat(skills).isDirectory();
    }
}
