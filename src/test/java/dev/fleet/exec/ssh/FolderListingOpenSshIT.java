package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlightSftpClient#list} against OpenSSH's SFTP server, which answers a folder's reads 100
 * entries at a time: folders just under, at and over one reply, and of several, hold what MINA's
 * own listing holds; a missing folder is refused and the session goes on.
 */
class FolderListingOpenSshIT {
    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    Path tmp;

    @Test
    void aListingHoldsWhatMinasOwnListingHoldsAroundOneReplysWorth() throws Exception {
        SshTarget target = SSHD.get().target("listing");
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), new MutableClock(Instant.parse("2026-12-07T12:00:00Z")),
                Duration.ofSeconds(10), Duration.ofMinutes(5));
             SshPool.Lease lease = pool.lease(target);
             SftpClient plain = SftpClientFactory.instance().createSftpClient(lease.session());
             FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
            String root = SSHD.get().home.resolve("listing-" + System.nanoTime()).toString();
            plain.mkdir(root);
            for (int files : new int[] {0, 97, 98, 250}) {
                // With . and .., a folder ends just under one reply, exactly at it, and past two.
                String folder = root + "/f" + files;
                plain.mkdir(folder);
                for (int i = 0; i < files; i++) {
                    try (OutputStream out = plain.write(folder + "/file-" + i + ".txt")) {
                        out.write("y".repeat(i % 5).getBytes(StandardCharsets.UTF_8));
                    }
                }
                Map<String, Long> listed = FolderListingTest.sizes(sftp.list(folder));
                assertThat(listed.size()).as("%d files, . and ..", files).isEqualTo(files + 2);
                assertThat(listed).as("%d files", files).isEqualTo(FolderListingTest.sizes(plain.readDir(folder)));
            }
            assertThatThrownBy(() -> sftp.list(root + "/missing")).isInstanceOfSatisfying(SftpException.class,
                    e -> assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE));
            sftp.settle();
            assertThat(sftp.lstat(root).isDirectory()).isTrue();
        }
    }
}
