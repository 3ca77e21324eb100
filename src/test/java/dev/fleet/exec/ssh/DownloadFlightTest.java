package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download asks for the file's attributes and its first bytes in one flight after the open,
 * and reads on with pipelined reads only where more may follow: files empty, of one byte, just
 * under, at and over one read's worth, and of several, arrive byte for byte with their permission
 * bits, progress counts every byte, and every file is closed on the member. A server whose first
 * read comes back short before the file's end is read on, not taken as the end; so is one whose
 * first reply is not full where the server states no size at all.
 */
class DownloadFlightTest {
    @TempDir
    Path tmp;

    @Test
    void everySizeArrivesWholeWithItsModeAndTheFileIsClosedOnTheMember() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            int request;
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
                 FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
                request = SftpRequestSizes.of(lease.session(), sftp).read();
            }
            Random random = new Random(13);
            Path back = Files.createDirectories(tmp.resolve("back"));
            try (FileSession files = ssh.channel.files()) {
                for (int size : new int[] {0, 1, request - 1, request, request + 1, 3 * request + 7}) {
                    byte[] bytes = new byte[size];
                    random.nextBytes(bytes);
                    Path remote = Files.write(ssh.work.resolve("f" + size + ".bin"), bytes);
                    Files.setPosixFilePermissions(remote, PosixFilePermissions.fromString(size % 2 == 0 ? "rw-------" : "rw-r-----"));
                    Path local = back.resolve("f" + size + ".bin");
                    AtomicLong progress = new AtomicLong();
                    files.download(remote.toString(), local, progress::set);
                    assertThat(Files.readAllBytes(local)).as("%d bytes", size).isEqualTo(bytes);
                    assertThat(progress.get()).as("progress of %d bytes", size).isEqualTo(size);
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).as("mode of %d bytes", size)
                            .isEqualTo(size % 2 == 0 ? "rw-------" : "rw-r-----");
                }
                // A look after them: every close not waited for has been answered by then.
                files.realPathAfresh(ssh.work.toString());
            }
            assertThat(ssh.sshd.openSftpHandles()).as("files left open on the member").isZero();
        }
    }

    @Test
    void aFirstReadThatComesBackShortBeforeTheEndIsReadOn() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            // Every read gives the server 1,000 bytes at most: the first read's reply is short, and
            // the file's stated size says more follows.
            ssh.sshd.shortReads(1000);
            Random random = new Random(17);
            Path back = Files.createDirectories(tmp.resolve("back"));
            try (FileSession files = ssh.channel.files()) {
                for (int size : new int[] {999, 1000, 1001, 70_007}) {
                    byte[] bytes = new byte[size];
                    random.nextBytes(bytes);
                    Path remote = Files.write(ssh.work.resolve("s" + size + ".bin"), bytes);
                    Path local = back.resolve("s" + size + ".bin");
                    AtomicLong progress = new AtomicLong();
                    files.download(remote.toString(), local, progress::set);
                    // The length first: a copy cut at the first reply says so in one line.
                    assertThat(Files.size(local)).as("length of %d bytes", size).isEqualTo(size);
                    assertThat(Files.readAllBytes(local)).as("%d bytes", size).isEqualTo(bytes);
                    assertThat(progress.get()).as("progress of %d bytes", size).isEqualTo(size);
                }
                files.realPathAfresh(ssh.work.toString());
            }
            assertThat(ssh.sshd.openSftpHandles()).as("files left open on the member").isZero();
        }
    }

    @Test
    void whereTheServerStatesNoSizeAShortFirstReadIsReadOn() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            ssh.sshd.shortReads(1000).statesNoSize();
            Random random = new Random(19);
            Path back = Files.createDirectories(tmp.resolve("back"));
            try (FileSession files = ssh.channel.files()) {
                for (int size : new int[] {0, 999, 1000, 1001, 70_007}) {
                    byte[] bytes = new byte[size];
                    random.nextBytes(bytes);
                    Path remote = Files.write(ssh.work.resolve("n" + size + ".bin"), bytes);
                    Path local = back.resolve("n" + size + ".bin");
                    files.download(remote.toString(), local, done -> { });
                    assertThat(Files.size(local)).as("length of %d bytes", size).isEqualTo(size);
                    assertThat(Files.readAllBytes(local)).as("%d bytes", size).isEqualTo(bytes);
                }
                files.realPathAfresh(ssh.work.toString());
            }
            assertThat(ssh.sshd.openSftpHandles()).as("files left open on the member").isZero();
        }
    }
}
