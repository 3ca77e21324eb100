package dev.fleet.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
    private static final String THIS_RUNTIME = "/opt/jdk-17 17.0.15+6";

    @TempDir
    Path tmp;

    @Test
    void theRecordingRunWritesWhichRuntimeItIsBesideTheArchive() throws Exception {
        Path archive = tmp.resolve("fleet.jsa");
        assertThat(ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME)).isEmpty();
        assertThat(tmp.resolve("fleet.jsa.jdk")).hasContent(THIS_RUNTIME);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).as("no part file left").containsExactly(tmp.resolve("fleet.jsa.jdk"));
        }
        // Recorded again by a newer runtime: the stamp follows.
        assertThat(ClassDataArchive.check(archive.toString(), true, "/opt/jdk-17 17.0.16+8")).isEmpty();
        assertThat(tmp.resolve("fleet.jsa.jdk")).hasContent("/opt/jdk-17 17.0.16+8");
    }

    @Test
    void anArchiveOfThisRuntimeIsKept() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet.jsa"), "archive");
        ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME);
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME)).isEmpty();
        assertThat(archive).exists();
        assertThat(tmp.resolve("fleet.jsa.jdk")).exists();
    }

    @Test
    void anArchiveOfAnotherRuntimeIsRemovedAndTheUserToldWhy() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet-relay.jsa"), "archive");
        ClassDataArchive.check(archive.toString(), true, "/opt/jdk-17 17.0.14+7");
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME)).hasValueSatisfying(line ->
                assertThat(line).contains("fleet-relay.jsa", "17.0.14+7", "17.0.15+6", "removed", "next start records"));
        assertThat(archive).doesNotExist();
        assertThat(tmp.resolve("fleet-relay.jsa.jdk")).doesNotExist();
    }

    @Test
    void anArchiveWithoutAStampOrNoArchiveAtAllIsLeftAlone() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet.jsa"), "archive");
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME)).isEmpty();
        assertThat(archive).exists();
        assertThat(ClassDataArchive.check(null, false, THIS_RUNTIME)).isEmpty();
        assertThat(ClassDataArchive.check(" ", true, THIS_RUNTIME)).isEmpty();
        // A stamp whose archive is gone (its dump failed): nothing to remove, nothing said.
        Files.writeString(tmp.resolve("gone.jsa.jdk"), "/elsewhere 11.0.1\n");
        assertThat(ClassDataArchive.check(tmp.resolve("gone.jsa").toString(), false, THIS_RUNTIME)).isEmpty();
    }

    @Test
    void aFolderThatCannotBeWrittenNeverFailsTheStart() throws Exception {
        Path missing = tmp.resolve("no-such-folder").resolve("fleet.jsa");
        assertThat(ClassDataArchive.check(missing.toString(), true, THIS_RUNTIME)).isEmpty();
        assertThat(ClassDataArchive.check("\0bad", false, THIS_RUNTIME)).isEmpty();
    }

    @Test
    void aStampThatCannotBeReplacedLeavesNoPartFileBehind() throws Exception {
        // A folder where the stamp belongs: the rename fails, the start goes on, nothing is left over.
        Path stamp = Files.createDirectories(tmp.resolve("fleet.jsa.jdk"));
        Files.writeString(stamp.resolve("keep"), "x");
        assertThat(ClassDataArchive.check(tmp.resolve("fleet.jsa").toString(), true, THIS_RUNTIME)).isEmpty();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(stamp);
        }
    }

    @Test
    void theRuntimeIsNamedByItsFolderAndExactBuild() {
        assertThat(ClassDataArchive.runtime()).isEqualTo(System.getProperty("java.home") + " " + System.getProperty("java.vm.version"));
    }
}
