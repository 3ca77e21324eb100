package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uninstall takes back only what is still as fleet left it: a skill page the user edited since
 * install (a line appended to work.md) was deleted without a copy.
 */
class EditedSkillUninstallTest {
    private static final String ADDED = "\n- my own note: always run the linter first\n";

    @TempDir
    Path tmp;
    Path home;
    Path skill;

    private ClaudeCodeWiring wiring() throws IOException {
        return QuietClaudeWiring.of(tmp, InstallScope.USER, home, tmp, Clock.systemUTC());
    }

    private void installAndEditWorkMd() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        skill = home.resolve(".claude/skills/fleet");
        wiring().install(false);
        assertThat(skill.resolve("work.md")).exists();
        Files.writeString(skill.resolve("work.md"), ADDED, StandardOpenOption.APPEND);
    }

    @Test
    void anEditedSkillFileIsKeptAndNamedTheOthersGo() throws Exception {
        installAndEditWorkMd();
        String edited = Files.readString(skill.resolve("work.md"));
        ClaudeCodeWiring.Report dry = wiring().uninstall(true);
        assertThat(dry.kept()).singleElement().asString()
                .isEqualTo(skill.resolve("work.md") + ": edited since fleet install wrote it; would keep it "
                        + "(delete it yourself if it is no longer wanted)");
        assertThat(dry.changes()).noneMatch(c -> c.contains("work.md")).anyMatch(c -> c.equals("skill: remove " + skill.resolve("SKILL.md")));

        ClaudeCodeWiring.Report done = wiring().uninstall(false);
        assertThat(done.kept()).singleElement().asString()
                .isEqualTo(skill.resolve("work.md") + ": edited since fleet install wrote it; kept "
                        + "(delete it yourself if it is no longer wanted)");
        assertThat(skill.resolve("work.md")).content().isEqualTo(edited);
        assertThat(skill.resolve("SKILL.md")).doesNotExist();
        try (var left = Files.list(skill)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("work.md");
        }
    }

    /** A record written before hashes were kept: a file that differs from this build's page may be the user's edit, and stays. */
    @Test
    void withAnOlderRecordAFileThatDiffersFromTheBundledPageIsKept() throws Exception {
        installAndEditWorkMd();
        Path record = tmp.resolve("data/installs/claude-code-user.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = (ObjectNode) json.readTree(record.toFile());
        assertThat(n.path("skillHashes").path("work.md").asText()).hasSize(64);
        n.remove("skillHashes");
        Files.writeString(record, json.writeValueAsString(n));

        ClaudeCodeWiring.Report done = wiring().uninstall(false);
        assertThat(done.kept()).singleElement().asString().startsWith(skill.resolve("work.md").toString());
        assertThat(skill.resolve("work.md")).content().endsWith(ADDED);
        assertThat(skill.resolve("SKILL.md")).doesNotExist();
    }
}
