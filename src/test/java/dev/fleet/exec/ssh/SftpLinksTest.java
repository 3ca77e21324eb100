package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link resolution over SFTP, which the transfer boundary relies on: it resolves like the kernel, or fails. */
class SftpLinksTest {
    @TempDir
    Path tmp;
    SshChannelFixture ssh;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        ssh = new SshChannelFixture(tmp);
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
    }

    @AfterEach
    void tearDown() throws Exception {
        ssh.close();
    }

    /** link0 -> link1 -> … -> link{n-1} -> the outside folder. */
    private void chain(int n) throws IOException {
        Files.createSymbolicLink(ssh.work.resolve("link" + (n - 1)), outside);
        for (int i = n - 2; i >= 0; i--) {
            Files.createSymbolicLink(ssh.work.resolve("link" + i), Path.of("link" + (i + 1)));
        }
    }

    @Test
    void linksAreFollowedToWhereTheyLead() throws Exception {
        chain(10);
        try (FileSession files = ssh.channel.files()) {
            assertThat(files.realPath(ssh.work + "/link0/secret.txt")).isEqualTo(outside + "/secret.txt");
        }
    }

    @Test
    void moreLinksThanTheKernelFollowsFailInsteadOfKeepingTheUnresolvedName() throws Exception {
        chain(45);
        try (FileSession files = ssh.channel.files()) {
            assertThatThrownBy(() -> files.realPath(ssh.work + "/link0/secret.txt"))
                    .isInstanceOf(IOException.class).hasMessageContaining("symbolic links");
        }
        Files.createSymbolicLink(ssh.work.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(ssh.work.resolve("loop-b"), Path.of("loop-a"));
        try (FileSession files = ssh.channel.files()) {
            assertThatThrownBy(() -> files.realPath(ssh.work + "/loop-a/x")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aFolderResolvedOnceStillHasEachFilesOwnNameChecked() throws Exception {
        Path sub = Files.createDirectories(ssh.work.resolve("sub")).toRealPath();
        Files.createSymbolicLink(sub.resolve("out"), outside);
        Files.createSymbolicLink(sub.resolve("named"), outside.resolve("file.txt"));
        try (FileSession files = ssh.channel.files()) {
            assertThat(files.realPath(ssh.work + "/sub/a.txt")).isEqualTo(sub + "/a.txt");
            // The same folder again (remembered): a name that is a link still leads where it points.
            assertThat(files.realPath(ssh.work + "/sub/named")).isEqualTo(outside + "/file.txt");
            assertThat(files.realPath(ssh.work + "/sub/out")).isEqualTo(outside.toString());
            assertThat(files.realPath(ssh.work + "/sub/out/secret.txt")).isEqualTo(outside + "/secret.txt");
            assertThat(files.realPath(ssh.work + "/sub/../sub/b.txt")).isEqualTo(sub + "/b.txt");
        }
    }

    @Test
    void aFolderNotThereAtFirstIsResolvedAgainOnceItIs() throws Exception {
        Path work = ssh.work.toRealPath();
        try (FileSession files = ssh.channel.files()) {
            assertThat(files.realPath(ssh.work + "/later/a.txt")).isEqualTo(work + "/later/a.txt");
            // It appears as a link before a copy makes it: the next file in it is seen to lead outside.
            Files.createSymbolicLink(ssh.work.resolve("later"), outside);
            assertThat(files.realPath(ssh.work + "/later/b.txt")).isEqualTo(outside + "/b.txt");
        }
    }

    @Test
    void aDownloadNeverWritesThroughALinkOrFileAlreadyUnderItsName() throws Exception {
        Path source = Files.writeString(ssh.work.resolve("from-member.txt"), "member bytes");
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep");
        Path planted = Files.createSymbolicLink(tmp.resolve("planted.part"), victim);
        try (FileSession files = ssh.channel.files()) {
            assertThatThrownBy(() -> files.download(source.toString(), planted, n -> { }))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
            assertThatThrownBy(() -> files.download(source.toString(), victim, n -> { }))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        }
        assertThat(victim).hasContent("keep");
        assertThat(Files.isSymbolicLink(planted)).isTrue();
    }
}
