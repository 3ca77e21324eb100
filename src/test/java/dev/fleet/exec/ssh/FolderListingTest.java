package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder listed with its reads two at a time and its close not waited for
 * ({@link FlightSftpClient#list}) holds what MINA's own listing, one read after another, holds:
 * folders empty, of one reply, and of many; a folder that is not there, or is a file, is refused
 * as before and leaves the session working; every folder listed is closed on the member.
 */
class FolderListingTest {
    @TempDir
    Path tmp;

    @Test
    void aListingHoldsWhatMinasOwnListingHoldsAndClosesItsFolder() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             SftpClient plain = SftpClientFactory.instance().createSftpClient(lease.session());
             FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
            for (int files : new int[] {0, 1, 99, 100, 101, 700}) {
                Path folder = Files.createDirectories(ssh.work.resolve("f" + files));
                for (int i = 0; i < files; i++) {
                    Files.writeString(folder.resolve("file-" + i + ".txt"), "x".repeat(i % 7));
                }
                Files.createDirectories(folder.resolve("sub"));
                Map<String, Long> listed = sizes(sftp.list(folder.toString()));
                assertThat(listed).as("%d files", files).isEqualTo(sizes(plain.readDir(folder.toString())));
                assertThat(listed).as("%d files, a folder, . and ..", files).hasSize(files + 3);
            }
            // Every close was sent; the replies still unread are read now, without a wait.
            sftp.settle();
            assertThat(sftp.lstat(ssh.work.toString()).isDirectory()).isTrue();
            assertThat(ssh.sshd.openSftpHandles()).as("folders left open on the member").isZero();
        }
    }

    @Test
    void aMissingFolderOrAFileIsRefusedAndTheSessionGoesOn() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
            Path file = Files.writeString(ssh.work.resolve("plain.txt"), "p");
            assertThatThrownBy(() -> sftp.list(ssh.work.resolve("missing").toString())).isInstanceOfSatisfying(SftpException.class,
                    e -> assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE));
            assertThatThrownBy(() -> sftp.list(file.toString())).isInstanceOf(SftpException.class);
            assertThat(sizes(sftp.list(ssh.work.toString()))).containsKey("plain.txt");
            sftp.settle();
            assertThat(sftp.lstat(file.toString()).getSize()).isEqualTo(1);
            assertThat(ssh.sshd.openSftpHandles()).isZero();
        }
    }

    /** Each entry's name and size. */
    static Map<String, Long> sizes(Iterable<SftpClient.DirEntry> entries) {
        Map<String, Long> sizes = new TreeMap<>();
        entries.forEach(e -> sizes.put(e.getFilename(), e.getAttributes().isDirectory() ? -1 : e.getAttributes().getSize()));
        return sizes;
    }
}
