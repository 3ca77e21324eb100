package dev.fleet.security;

import static dev.fleet.testing.FileModes.assertUntouched;
import static dev.fleet.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet's own files in its data dir, with a link planted in place of one (by another user who
 * could write the folder once): nothing is written, read or chmod'ed through it.
 */
class SecureFilesLinksTest {
    private static final String MINE = "export PATH=$HOME/bin:$PATH # the user's own file, longer than a token\n";

    @TempDir
    Path tmp;
    Path data;
    Path bashrc;

    @BeforeEach
    void aUsersFileAndADataDir() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        bashrc = Files.writeString(tmp.resolve(".bashrc"), MINE);
        Files.setPosixFilePermissions(bashrc, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void writePrivateReplacesALinkAndNeverWritesThroughIt() throws IOException {
        Path record = Files.createSymbolicLink(data.resolve("record.json"), bashrc);
        SecureFiles.writePrivate(record, "{}\n".getBytes(StandardCharsets.UTF_8));
        assertUntouched(bashrc, MINE);
        assertThat(Files.isSymbolicLink(record)).isFalse();
        assertThat(record).hasContent("{}");
        assertThat(mode(record)).isEqualTo("rw-------");
    }

    @Test
    void aLinkThatLeadsNowhereGetsNoFileMadeWhereItPoints() throws IOException {
        Path elsewhere = tmp.resolve("elsewhere");
        Path token = Files.createSymbolicLink(data.resolve("http-token"), elsewhere);
        SecureFiles.writePrivate(token, "t\n".getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = SecureFiles.openLockFile(Files.createSymbolicLink(data.resolve("x.lock"), elsewhere))) {
            assertThat(ch.size()).isZero();
        }
        assertThat(elsewhere).doesNotExist();
    }

    @Test
    void aLockFileOrAnAppendedFileInPlaceOfALinkIsMadeAnewAndTheLinksTargetKept() throws IOException {
        Path lock = Files.createSymbolicLink(data.resolve("daemon.lock"), bashrc);
        try (FileChannel ch = SecureFiles.openLockFile(lock)) {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap("pid 1\n".getBytes(StandardCharsets.UTF_8)));
        }
        Path hosts = Files.createSymbolicLink(data.resolve("known_hosts"), bashrc);
        try (FileChannel ch = SecureFiles.openPrivateAppend(hosts)) {
            ch.write(ByteBuffer.wrap("host key\n".getBytes(StandardCharsets.UTF_8)));
        }
        assertUntouched(bashrc, MINE);
        assertThat(lock).hasContent("pid 1");
        assertThat(hosts).hasContent("host key");
        assertThat(mode(lock)).isEqualTo("rw-------");
        assertThat(mode(hosts)).isEqualTo("rw-------");
    }

    @Test
    void restrictToOwnerRefusesALinkNamingItAndLeavesItsTargetsMode() throws IOException {
        Path token = Files.createSymbolicLink(data.resolve("http-token"), bashrc);
        assertThatThrownBy(() -> SecureFiles.restrictToOwner(token)).isInstanceOf(IOException.class)
                .hasMessageContaining(token.toString()).hasMessageContaining("symbolic link");
        Path folder = Files.createDirectories(tmp.resolve("users-folder"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path linkedFolder = Files.createSymbolicLink(data.resolve("output"), folder);
        assertThatThrownBy(() -> SecureFiles.restrictToOwner(linkedFolder)).isInstanceOf(IOException.class);
        assertUntouched(bashrc, MINE);
        assertThat(mode(folder)).isEqualTo("rwxr-xr-x");
    }

    @Test
    void readOwnRefusesALinkNamingIt() throws IOException {
        Path key = Files.createSymbolicLink(data.resolve("secret.key"), bashrc);
        assertThatThrownBy(() -> SecureFiles.readOwn(key)).isInstanceOf(IOException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("never through a link");
        Files.delete(key);
        Files.writeString(key, "k");
        assertThat(SecureFiles.readOwn(key)).containsExactly('k');
    }

    @Test
    void everyFolderMadeOnTheWayToTheDataDirIsOwnerOnlyAndOnesThatWereThereAreLeftAlone() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path installs = home.resolve(".apra-fleet/data/installs");
        SecureFiles.createPrivateDirectories(installs);
        assertThat(mode(home)).isEqualTo("rwxr-xr-x");
        assertThat(mode(home.resolve(".apra-fleet"))).isEqualTo("rwx------");
        assertThat(mode(home.resolve(".apra-fleet/data"))).isEqualTo("rwx------");
        assertThat(mode(installs)).isEqualTo("rwx------");
    }

    @Test
    void aLinkedLastFolderIsNotChmodedThrough() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("users-folder"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path output = Files.createSymbolicLink(data.resolve("output"), folder);
        SecureFiles.createPrivateDirectories(output);
        assertThat(mode(folder)).isEqualTo("rwxr-xr-x");
    }
}
