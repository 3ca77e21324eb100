package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent settings file is read and written in the work folder only, also when something in the
 * folder swaps a folder on the way or the file itself for a link right after the shell's look:
 * the swap is put into the real script at that moment, and the script, run by {@code sh}, must
 * neither read nor write outside.
 */
class PosixFolderFilesTest {
    @TempDir
    Path tmp;
    Path work;
    Path outside;
    final PosixFolderFiles files = new PosixFolderFiles();

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
    }

    private static ShellRun sh(String script, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", stdin == null ? script : "printf %s " + ShellQuoteForTest.q(stdin)
                + " | { " + script + "; }");
        return ShellRun.of(pb);
    }

    /** {@code script} with {@code swap} run right before {@code at} (the first place it occurs). */
    private static String swappedBefore(String script, String at, String swap) {
        int i = script.indexOf(at);
        assertThat(i).as("the script has %s", at).isGreaterThanOrEqualTo(0);
        return script.substring(0, i) + swap + "; " + script.substring(i);
    }

    private String folderToLink(String folder) {
        return "mv " + work.resolve(folder) + " " + work.resolve(folder + "-aside") + " && ln -s " + outside + " " + work.resolve(folder);
    }

    private List<Path> everythingOutside() throws IOException {
        try (Stream<Path> all = Files.walk(outside)) {
            return all.filter(p -> !p.equals(outside)).toList();
        }
    }

    private static boolean perl() {
        try {
            return new ProcessBuilder("perl", "-e", "exit 0").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aFolderSwappedForALinkAfterItsStepLeadsNoReadOut() throws Exception {
        Files.createDirectories(work.resolve(".claude"));
        Files.writeString(work.resolve(".claude/settings.local.json"), "{\"inside\":1}");
        Files.writeString(outside.resolve("settings.local.json"), "{\"CANARY\":1}");
        String script = swappedBefore(files.read(work.toString(), ".claude/settings.local.json"), "[ -f \"$f\" ]",
                folderToLink(".claude"));

        ShellRun r = sh(script, null);

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("{\"inside\":1}");
    }

    @Test
    void aFolderSwappedForALinkAfterItsStepLeadsNoWriteOut() throws Exception {
        Files.createDirectories(work.resolve(".claude"));
        String script = swappedBefore(files.write(work.toString(), ".claude/settings.local.json"), "t=$(mktemp", folderToLink(".claude"));

        ShellRun r = sh(script, "{\"written\":1}");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(everythingOutside()).isEmpty();
        assertThat(work.resolve(".claude-aside/settings.local.json")).hasContent("{\"written\":1}");
    }

    @Test
    void theFileSwappedForALinkAfterTheLookIsNotReadThrough() throws Exception {
        assumeTrue(perl(), "the read without following a link needs perl on the member");
        Path file = Files.writeString(work.resolve("settings.json"), "{\"inside\":1}");
        Path secret = Files.writeString(outside.resolve("secret.json"), "{\"CANARY\":1}");
        String script = swappedBefore(files.read(work.toString(), "settings.json"), "if command -v perl",
                "rm " + file + " && ln -s " + secret + " " + file);

        ShellRun r = sh(script, null);

        assertThat(r.exit()).isEqualTo(FolderFileCommands.OUTSIDE);
        assertThat(r.stdout()).doesNotContain("CANARY");
    }

    @Test
    void aLinkToAFolderSwappedInUnderTheNameIsReplacedNotWrittenThrough() throws Exception {
        assumeTrue(perl(), "renaming without moving into a folder needs perl on the member");
        Path file = Files.writeString(work.resolve("settings.json"), "{}");
        String script = swappedBefore(files.write(work.toString(), "settings.json"), "t=$(mktemp",
                "rm " + file + " && ln -s " + outside + " " + file);

        ShellRun r = sh(script, "{\"written\":1}");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(everythingOutside()).isEmpty();
        assertThat(Files.isSymbolicLink(file)).isFalse();
        assertThat(file).hasContent("{\"written\":1}");
    }

    @Test
    void aFolderSwappedInUnderTheNameTakesNothingInside() throws Exception {
        assumeTrue(perl(), "renaming without moving into a folder needs perl on the member");
        Path file = Files.writeString(work.resolve("settings.json"), "{}");
        String script = swappedBefore(files.write(work.toString(), "settings.json"), "t=$(mktemp",
                "rm " + file + " && mkdir " + file);

        ShellRun r = sh(script, "{\"written\":1}");

        assertThat(r.exit()).isEqualTo(4);
        try (Stream<Path> in = Files.list(file); Stream<Path> left = Files.list(work)) {
            assertThat(in).isEmpty();
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("settings.json");
        }
    }
}
