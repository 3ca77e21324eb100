package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt file of a CLI that reads its task from the work folder, as the POSIX wrapper writes
 * it (run by bash here, as on a member): the file is there while the CLI runs and gone after, and
 * a link planted under its name (to a file or a folder outside the work folder) is never written
 * through: the run is refused and everything outside stays as it was.
 */
class PromptFileTest {
    private static final String RUN = "0a1b2c3d4e5f60718293a4b5";
    private static final String FOLDER = ".fleet-prompt-" + RUN;

    @TempDir
    Path tmp;

    private record Run(int exit, String stdout, String stderr) {
    }

    /** Runs the wrapper with {@code cat} as the CLI, told to print the prompt file. */
    private Run launch(Path work) throws Exception {
        PromptLaunch l = new PromptLaunch(RUN, "member-1", "cat", List.of(PromptLaunch.promptPath(FOLDER)), null,
                PromptLaunch.Input.FILE_IN_FOLDER, FOLDER);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", AgentShell.forOs(MemberOs.LINUX).launchPrompt(l)).directory(work.toFile());
        pb.environment().put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(PromptLaunch.payload(null, "the PM's task text"));
        } catch (java.io.IOException refusedBeforeReading) {
            // The wrapper ended before it read its input (a refusal): its exit and stderr tell.
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void theCliReadsThePromptFileWhichIsGoneAfterTheRun() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Run r = launch(work);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("the PM's task text");
        try (var left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aLinkPlantedUnderThePromptsNameIsNeverWrittenThrough() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path outsideFile = Files.writeString(tmp.resolve("canary.txt"), "TOPSECRET");
        Path outsideDir = Files.createDirectories(tmp.resolve("outside"));

        for (Path target : List.of(outsideFile, outsideDir, tmp.resolve("not-there-yet"))) {
            Path link = Files.createSymbolicLink(work.resolve(FOLDER), target);
            Run r = launch(work);
            assertThat(r.exit()).as(target + ": " + r.stderr()).isEqualTo(73);
            assertThat(r.stderr()).contains("cannot write the prompt file into the work folder");
            assertThat(r.stdout()).isEmpty();
            assertThat(Files.isSymbolicLink(link)).as("the planted link itself is left alone").isTrue();
            Files.delete(link);
        }
        assertThat(outsideFile).hasContent("TOPSECRET");
        try (var inside = Files.list(outsideDir)) {
            assertThat(inside).isEmpty();
        }
        assertThat(tmp.resolve("not-there-yet")).doesNotExist();
    }

    /**
     * Each run's private folder lies in ~/.fleet-prompts, whose hour-old leftovers every run
     * clears. That folder, or a run folder in it, being a link (planted by anything that runs as
     * the member's user) must never lead the clean-up to delete folders elsewhere.
     */
    @Test
    void aLinkedRunsFolderIsRefusedAndNothingBehindALinkIsCleared() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path projects = Files.createDirectories(tmp.resolve("projects"));
        Path old = Files.createDirectories(projects.resolve("old-project/src"));
        Files.writeString(old.resolve("main.c"), "int main;\n");
        Files.setLastModifiedTime(old.getParent(), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3 * 3_600_000L));
        Path runs = Files.createDirectories(tmp.resolve("home")).resolve(".fleet-prompts");
        Files.createSymbolicLink(runs, projects);

        Run refused = launch(work);
        assertThat(old.resolve("main.c")).hasContent("int main;");
        assertThat(refused.exit()).isEqualTo(70);
        assertThat(refused.stderr()).contains(".fleet-prompts is a symbolic link");

        // A link among the runs' folders: the run goes ahead, and the link and its target stay.
        Files.delete(runs);
        Files.createDirectories(runs);
        Path linkedRun = Files.createSymbolicLink(runs.resolve("a1b2c3d4e5f6"), old.getParent());
        Run ok = launch(work);
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        assertThat(ok.stdout()).isEqualTo("the PM's task text");
        assertThat(Files.isSymbolicLink(linkedRun)).isTrue();
        assertThat(old.resolve("main.c")).hasContent("int main;");
    }
}
