package dev.fleet.daemon;

import static dev.fleet.testing.FileModes.assertUntouched;
import static dev.fleet.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's files in the data dir (token, lock, log) with a link planted in place of one: the
 * link's target, another file of the user's, is never read, written or chmod'ed.
 */
class DaemonFilesLinksTest {
    private static final String LONG = "alias ll='ls -l' # the user's own file, longer than any token check\n";

    @TempDir
    Path tmp;
    DaemonPaths paths;
    Path bashrc;

    @BeforeEach
    void dataDirAndAUsersFile() throws IOException {
        paths = new DaemonPaths(Files.createDirectories(tmp.resolve("data")));
        bashrc = Files.writeString(tmp.resolve(".bashrc"), LONG);
        Files.setPosixFilePermissions(bashrc, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void aLinkedTokenFileIsNeverReadAndANewTokenReplacesIt() throws IOException {
        Files.createSymbolicLink(paths.httpToken(), bashrc);
        String token = HttpToken.readOrMake(paths.httpToken());

        assertThat(token).isNotEqualTo(LONG.strip()).hasSize(43);
        assertUntouched(bashrc, LONG);
        assertThat(Files.isSymbolicLink(paths.httpToken())).isFalse();
        assertThat(Files.readString(paths.httpToken()).strip()).isEqualTo(token);
        assertThat(mode(paths.httpToken())).isEqualTo("rw-------");
        assertThat(HttpToken.readOrMake(paths.httpToken())).as("kept across restarts").isEqualTo(token);
    }

    @Test
    void aLinkToAShortFileGetsNoTokenWrittenIntoIt() throws IOException {
        Path shortFile = Files.writeString(tmp.resolve("notes"), "short\n");
        Files.setPosixFilePermissions(shortFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(paths.httpToken(), shortFile);
        HttpToken.readOrMake(paths.httpToken());
        assertUntouched(shortFile, "short\n");
    }

    @Test
    void aLinkedLockFileIsReplacedAndItsTargetNeitherTruncatedNorTakenAsARecord() throws Exception {
        Path options = Files.writeString(tmp.resolve("someone-elses"), "pid 1\noption --http\noption 0.0.0.0:80\n");
        Files.createSymbolicLink(paths.lock(), options);
        assertThat(DaemonLock.read(paths.lock()).options()).as("no options from what a link leads to").isEmpty();

        Files.delete(paths.lock());
        Files.createSymbolicLink(paths.lock(), bashrc);
        try (DaemonLock lock = DaemonLock.acquire(paths.lock(), Duration.ofSeconds(1))) {
            assertThat(lock).isNotNull();
            lock.record(42, "test", List.of("--idle-exit", "0"));
        }
        assertUntouched(bashrc, LONG);
        assertThat(Files.isSymbolicLink(paths.lock())).isFalse();
        assertThat(DaemonLock.read(paths.lock()).pid()).isEqualTo(42);
    }

    @Test
    void theDaemonsOutputGoesIntoAFileOfItsOwnNotThroughALinkedLog() throws Exception {
        Path launcher = tmp.resolve("fake-launcher");
        Files.writeString(launcher, "#!/bin/sh\necho \"daemon started as $1\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(paths.log(), bashrc);
        String before = System.getProperty("fleet.launcher");
        System.setProperty("fleet.launcher", launcher.toString());
        try {
            Process p = DaemonStarter.start(paths, Map.of("PATH", System.getenv("PATH")), List.of());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty("fleet.launcher");
            } else {
                System.setProperty("fleet.launcher", before);
            }
        }
        assertUntouched(bashrc, LONG);
        assertThat(Files.isSymbolicLink(paths.log())).isFalse();
        assertThat(paths.log()).hasContent("daemon started as daemon");
        assertThat(mode(paths.log())).isEqualTo("rw-------");
    }
}
