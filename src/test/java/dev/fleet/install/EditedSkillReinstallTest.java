package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Install run again (a reinstall, an upgrade) writes fleet's pages anew: a page the user edited
 * since install (a line appended to work.md) was overwritten without a copy.
 */
class EditedSkillReinstallTest {
    private static final String ADDED = "\n- my own note: always run the linter first\n";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T22:00:00Z"), ZoneId.systemDefault());
    private static final String STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(CLOCK.instant().atZone(ZoneId.systemDefault()));

    @TempDir
    Path tmp;
    Path home;
    Path skill;

    private ClaudeCodeWiring wiring() throws IOException {
        return QuietClaudeWiring.of(tmp, InstallScope.USER, home, tmp, CLOCK);
    }

    private String installAndEditWorkMd() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        skill = home.resolve(".claude/skills/fleet");
        wiring().install(false);
        Files.writeString(skill.resolve("work.md"), ADDED, StandardOpenOption.APPEND);
        return Files.readString(skill.resolve("work.md"));
    }

    /** The skill's lines of a report (this test's claude registers nothing, so each run registers again). */
    private static List<String> skillChanges(ClaudeCodeWiring.Report r) {
        return r.changes().stream().filter(c -> c.startsWith("skill: ")).toList();
    }

    private List<String> skillFolder() throws IOException {
        try (var files = Files.list(skill)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEditedPageIsKeptBesideFleetsNewOneOwnerOnlyAndSaidSo() throws Exception {
        String edited = installAndEditWorkMd();
        List<String> before = skillFolder();
        Path copy = skill.resolve("work.md.edited-" + STAMP);

        ClaudeCodeWiring.Report dry = wiring().install(true);
        assertThat(skillChanges(dry)).containsExactly("skill: update " + skill.resolve("work.md")
                + " (edited since fleet install wrote it: your page would be kept as " + copy + ")");
        assertThat(skillFolder()).isEqualTo(before);
        assertThat(skill.resolve("work.md")).content().isEqualTo(edited);

        ClaudeCodeWiring.Report done = wiring().install(false);
        assertThat(skillChanges(done)).containsExactly("skill: update " + skill.resolve("work.md")
                + " (edited since fleet install wrote it: your page is kept as " + copy + ")");
        assertThat(copy).content().isEqualTo(edited);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-------");
        assertThat(skill.resolve("work.md")).hasBinaryContent(SkillBundle.files().get("work.md"));
        assertThat(skillFolder()).as("only the edited page is copied").hasSize(before.size() + 1);

        // Fleet's page again: the next install changes nothing and copies nothing; uninstall leaves the user's copy.
        assertThat(skillChanges(wiring().install(false))).isEmpty();
        assertThat(skillFolder()).hasSize(before.size() + 1);
        wiring().uninstall(false);
        assertThat(skillFolder()).containsExactly(copy.getFileName().toString());
    }

    @Test
    void theCopyIsNeverWrittenThroughALinkUnderItsName() throws Exception {
        String edited = installAndEditWorkMd();
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.txt"), "not the skill's\n");
        Files.createSymbolicLink(skill.resolve("work.md.edited-" + STAMP), elsewhere);

        ClaudeCodeWiring.Report done = wiring().install(false);
        Path copy = skill.resolve("work.md.edited-" + STAMP + "-2");
        assertThat(skillChanges(done)).singleElement().asString().endsWith("your page is kept as " + copy + ")");
        assertThat(copy).content().isEqualTo(edited);
        assertThat(elsewhere).content().isEqualTo("not the skill's\n");
        assertThat(Files.isSymbolicLink(skill.resolve("work.md.edited-" + STAMP))).isTrue();
    }
}
