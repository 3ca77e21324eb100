package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.DelayedLink;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSH's sshd 60 ms away (a delaying forwarder on loopback): fleet measures the round trip,
 * offers a larger channel window for what the member sends, and sends a large file over several
 * streams into regions of its part file; the file arrives byte for byte both ways.
 */
class FarMemberOpenSshIT {
    private static final long MIB = 1024 * 1024;

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    Path tmp;

    @Test
    void aLargeFileGoesOverSeveralStreamsAndComesBackOverALargerWindow() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        try (DelayedLink link = new DelayedLink(SSHD.get().port, 30);
             SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(10),
                     Duration.ofMinutes(5), UploadWarmUp.usual())) {
            SshTarget target = new SshTarget("m1|far", "127.0.0.1", link.port(), SSHD.get().user, null, SSHD.get().key);
            SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX),
                    new SpillFiles(tmp.resolve("out"), clock));
            long size = 40 * MIB + 77;
            try (SshPool.Lease lease = pool.lease(target)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
                Duration roundTrip = LinkWindow.roundTrip(lease.session()).get();
                assertThat(roundTrip).isGreaterThanOrEqualTo(Duration.ofMillis(60));
                assertThat(LinkWindow.of(lease.session())).isGreaterThan(LinkWindow.USUAL);
                assertThat(RegionStreams.count(size, LinkWindow.roundTrip(lease.session()))).isEqualTo(RegionStreams.MOST);
            }
            byte[] bytes = new byte[(int) size];
            new Random(29).nextBytes(bytes);
            Path source = Files.write(tmp.resolve("big.bin"), bytes);
            Path folder = Files.createDirectories(SSHD.get().home.resolve("far-" + System.nanoTime()));
            String remote = folder.resolve("big.bin").toString();
            AtomicLong sent = new AtomicLong();
            try (FileSession files = channel.files()) {
                files.upload(source, remote, 0, real -> null, sent::set);
            }
            assertThat(Files.mismatch(source, Path.of(remote))).isEqualTo(-1);
            assertThat(sent.get()).isEqualTo(size);
            Path back = tmp.resolve("back/big.bin");
            try (FileSession files = channel.files()) {
                files.download(remote, back, n -> { });
            }
            assertThat(Files.mismatch(source, back)).isEqualTo(-1);
            try (java.util.stream.Stream<Path> left = Files.list(folder)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("big.bin");
            }
        }
    }
}
