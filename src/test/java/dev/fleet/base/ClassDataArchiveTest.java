package dev.fleet.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
    private static final String THIS_RUNTIME = "/opt/jdk-17 17.0.15+6";
    private static final String JAR = "fleet.jar 1115579 1796313240000";

    @TempDir
    Path tmp;

    @Test
    void theRecordingRunWritesWhichRuntimeItIsBesideTheArchive() throws Exception {
        Path archive = tmp.resolve("fleet.jsa");
        assertThat(ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(tmp.resolve("fleet.jsa.jdk")).hasContent(THIS_RUNTIME + "\njar " + JAR);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).as("no part file left").containsExactly(tmp.resolve("fleet.jsa.jdk"));
        }
        // Recorded again by a newer runtime: the stamp follows.
        assertThat(ClassDataArchive.check(archive.toString(), true, "/opt/jdk-17 17.0.16+8", JAR)).isEmpty();
        assertThat(tmp.resolve("fleet.jsa.jdk")).hasContent("/opt/jdk-17 17.0.16+8\njar " + JAR);
    }

    @Test
    void anArchiveOfThisRuntimeIsKept() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet.jsa"), "archive");
        ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME, JAR);
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(archive).exists();
        assertThat(tmp.resolve("fleet.jsa.jdk")).exists();
    }

    @Test
    void anArchiveOfAnotherRuntimeIsRemovedAndTheUserToldWhy() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet-relay.jsa"), "archive");
        ClassDataArchive.check(archive.toString(), true, "/opt/jdk-17 17.0.14+7", JAR);
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, JAR)).hasValueSatisfying(line ->
                assertThat(line).contains("fleet-relay.jsa", "17.0.14+7", "17.0.15+6", "removed", "next start records"));
        assertThat(archive).doesNotExist();
        assertThat(tmp.resolve("fleet-relay.jsa.jdk")).doesNotExist();
    }

    @Test
    void anArchiveRecordedWithAnotherJarIsRemovedAndTheUserToldWhy() throws Exception {
        // A fleet update (or a new build) under the same name: the JVM cannot map the old archive.
        Path archive = Files.writeString(tmp.resolve("fleet-daemon.jsa"), "archive");
        ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME, "fleet.jar 1000 1700000000000");
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, JAR)).hasValueSatisfying(line ->
                assertThat(line).contains("fleet-daemon.jsa", "another fleet jar", "fleet.jar 1000 1700000000000", JAR,
                        "removed", "next start records"));
        assertThat(archive).doesNotExist();
        assertThat(tmp.resolve("fleet-daemon.jsa.jdk")).doesNotExist();
    }

    @Test
    void theJarIsComparedOnlyWhenBothTheStampAndThisStartNameOne() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet.jsa"), "archive");
        // A stamp written before stamps named the jar.
        Files.writeString(tmp.resolve("fleet.jsa.jdk"), THIS_RUNTIME + "\n");
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(archive).exists();
        // Recorded from a jar, now running from a folder of classes.
        ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME, JAR);
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, null)).isEmpty();
        assertThat(archive).exists();
        // Recorded from a folder of classes: the stamp names no jar.
        ClassDataArchive.check(archive.toString(), true, THIS_RUNTIME, null);
        assertThat(tmp.resolve("fleet.jsa.jdk")).hasContent(THIS_RUNTIME);
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(archive).exists();
    }

    @Test
    void runFromAFolderOfClassesThereIsNoJarToName() {
        assertThat(ClassDataArchive.class.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith("/");
        assertThat(ClassDataArchive.jar()).isNull();
    }

    @Test
    void anArchiveWithoutAStampOrNoArchiveAtAllIsLeftAlone() throws Exception {
        Path archive = Files.writeString(tmp.resolve("fleet.jsa"), "archive");
        assertThat(ClassDataArchive.check(archive.toString(), false, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(archive).exists();
        assertThat(ClassDataArchive.check(null, false, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(ClassDataArchive.check(" ", true, THIS_RUNTIME, JAR)).isEmpty();
        // A stamp whose archive is gone (its dump failed): nothing to remove, nothing said.
        Files.writeString(tmp.resolve("gone.jsa.jdk"), "/elsewhere 11.0.1\n");
        assertThat(ClassDataArchive.check(tmp.resolve("gone.jsa").toString(), false, THIS_RUNTIME, JAR)).isEmpty();
    }

    @Test
    void aFolderThatCannotBeWrittenNeverFailsTheStart() throws Exception {
        Path missing = tmp.resolve("no-such-folder").resolve("fleet.jsa");
        assertThat(ClassDataArchive.check(missing.toString(), true, THIS_RUNTIME, JAR)).isEmpty();
        assertThat(ClassDataArchive.check("\0bad", false, THIS_RUNTIME, JAR)).isEmpty();
    }

    @Test
    void aStampThatCannotBeReplacedLeavesNoPartFileBehind() throws Exception {
        // A folder where the stamp belongs: the rename fails, the start goes on, nothing is left over.
        Path stamp = Files.createDirectories(tmp.resolve("fleet.jsa.jdk"));
        Files.writeString(stamp.resolve("keep"), "x");
        assertThat(ClassDataArchive.check(tmp.resolve("fleet.jsa").toString(), true, THIS_RUNTIME, JAR)).isEmpty();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(stamp);
        }
    }

    @Test
    void theRuntimeIsNamedByItsFolderAndExactBuild() {
        assertThat(ClassDataArchive.runtime()).isEqualTo(System.getProperty("java.home") + " " + System.getProperty("java.vm.version"));
    }
}
