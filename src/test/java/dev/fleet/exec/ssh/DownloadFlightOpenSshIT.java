package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads from OpenSSH's SFTP server, which reads 255 KiB a request at most: the attributes and
 * first bytes in one flight, the rest in pipelined reads; files around one read's worth arrive
 * byte for byte with their permission bits.
 */
class DownloadFlightOpenSshIT {
    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    Path tmp;

    @Test
    void filesAroundOneReadsWorthArriveWholeWithTheirMode() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        SshTarget target = SSHD.get().target("download");
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(10),
                Duration.ofMinutes(5))) {
            SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX), new SpillFiles(tmp.resolve("out"), clock));
            String root = SSHD.get().home.resolve("download-" + System.nanoTime()).toString();
            Random random = new Random(17);
            int request = SftpRequestSizes.LARGEST;
            try (SshPool.Lease lease = pool.lease(target);
                 SftpClient plain = SftpClientFactory.instance().createSftpClient(lease.session());
                 FileSession files = channel.files()) {
                plain.mkdir(root);
                for (int size : new int[] {0, 5, request - 1, request, request + 1, 2 * request + 3}) {
                    byte[] bytes = new byte[size];
                    random.nextBytes(bytes);
                    String remote = root + "/f" + size;
                    try (OutputStream out = plain.write(remote)) {
                        out.write(bytes);
                    }
                    plain.setStat(remote, new SftpClient.Attributes().perms(size % 2 == 0 ? 0600 : 0640));
                    Path local = tmp.resolve("f" + size);
                    AtomicLong progress = new AtomicLong();
                    files.download(remote, local, progress::set);
                    assertThat(Files.readAllBytes(local)).as("%d bytes", size).isEqualTo(bytes);
                    assertThat(progress.get()).isEqualTo(size);
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).as("mode of %d bytes", size)
                            .isEqualTo(size % 2 == 0 ? "rw-------" : "rw-r-----");
                }
            }
        }
    }
}
