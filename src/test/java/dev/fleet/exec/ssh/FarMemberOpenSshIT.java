package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.DelayedLink;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSH's sshd 60 ms away (a delaying forwarder on loopback): fleet measures the round trip,
 * offers a larger channel window for what the member sends, and sends a large file over several
 * streams into regions of its part file; the file arrives byte for byte both ways. A region whose
 * tool fails fails the copy, the earlier file stays, and no dd of the copy is left on the member.
 * A member whose sshd allows fewer sessions gets every region once, over the streams it takes.
 */
class FarMemberOpenSshIT {
    private static final long MIB = 1024 * 1024;

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    Path tmp;

    @Test
    void aLargeFileGoesOverSeveralStreamsAndComesBackOverALargerWindow() throws Exception {
        try (FarMember far = new FarMember(tmp)) {
            SshChannel channel = far.channel(OsCommands.forOs(MemberOs.LINUX));
            long size = 40 * MIB + 77;
            try (SshPool.Lease lease = far.pool.lease(far.target)) {
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
            try (Stream<Path> left = Files.list(folder)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("big.bin");
            }
        }
    }

    @Test
    void aRegionThatFailsEndsTheOtherStreamsOnTheMemberAndLeavesNothingBehind() throws Exception {
        try (FarMember far = new FarMember(tmp)) {
            // The last region's tool fails at once, as a full disk would; the others are mid-copy then.
            OsCommands lastFails = LinuxCommandsWith.answering((name, args) -> name.equals("streamedWriteAt") && (long) args[1] >= 30
                    ? Optional.of("echo 'dd: error writing: No space left on device' >&2; exit 1") : null);
            SshChannel channel = far.channel(lastFails);
            byte[] bytes = new byte[(int) (40 * MIB)];
            new Random(31).nextBytes(bytes);
            Path source = Files.write(tmp.resolve("big.bin"), bytes);
            Path folder = Files.createDirectories(SSHD.get().home.resolve("far-fail-" + System.nanoTime()));
            Path remote = folder.resolve("big.bin");
            Files.writeString(remote, "the earlier file");
            try (FileSession files = channel.files()) {
                assertThatThrownBy(() -> files.upload(source, remote.toString(), 0, real -> null, n -> { }))
                        .hasMessageContaining("No space left on device");
            }
            assertThat(Files.readString(remote)).isEqualTo("the earlier file");
            try (Stream<Path> left = Files.list(folder)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("big.bin");
            }
            // No dd of this copy is left running on the member.
            await().atMost(Duration.ofSeconds(10)).until(() -> ddsWriting(folder) == 0);
        }
    }

    @Test
    void aMemberAllowingThreeSessionsGetsEveryRegionOnceOverTheStreamsItTakes(@TempDir Path own) throws Exception {
        // MaxSessions 3: the transfer's SFTP session and two streams, where fleet would use four.
        try (RealSshd few = RealSshd.allowingSessions(own, 3); FarMember far = new FarMember(tmp, few)) {
            SshChannel channel = far.channel(OsCommands.forOs(MemberOs.LINUX));
            Path folder = Files.createDirectories(few.home.resolve("few-" + System.nanoTime()));
            for (String name : new String[] {"first.bin", "second.bin"}) {
                byte[] bytes = new byte[(int) (40 * MIB)];
                new Random(name.hashCode()).nextBytes(bytes);
                Path source = Files.write(tmp.resolve(name), bytes);
                long before = far.link.bytesTowardTarget();
                try (FileSession files = channel.files()) {
                    files.upload(source, folder.resolve(name).toString(), 0, real -> null, n -> { });
                }
                assertThat(Files.mismatch(source, folder.resolve(name))).as(name).isEqualTo(-1);
                // Every byte went once: a file sent again after refused streams would pass 60 MiB or more.
                assertThat(far.link.bytesTowardTarget() - before).as("bytes sent for %s", name).isBetween(40 * MIB, 44 * MIB);
                try (SshPool.Lease lease = far.pool.lease(far.target)) {
                    assertThat(RegionStreams.count(lease.session(), 40 * MIB)).as("streams after %s", name).isEqualTo(2);
                }
            }
            try (Stream<Path> left = Files.list(folder)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("first.bin", "second.bin");
            }
        }
    }

    /** The test sshd behind a forwarder that holds each chunk 30 ms each way, and a pool whose connection to it has measured its round trip. */
    private static final class FarMember implements AutoCloseable {
        final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        final DelayedLink link;
        final SshPool pool;
        final SshTarget target;
        private final Path dir;

        FarMember(Path dir) throws Exception {
            this(dir, SSHD.get());
        }

        FarMember(Path dir, RealSshd sshd) throws Exception {
            this.dir = dir;
            link = new DelayedLink(sshd.port, 30);
            pool = new SshPool(new TofuHostKeys(dir.resolve("known_hosts")), clock, Duration.ofSeconds(10), Duration.ofMinutes(5),
                    UploadWarmUp.usual());
            target = new SshTarget("m1|far", "127.0.0.1", link.port(), sshd.user, null, sshd.key);
            try (SshPool.Lease lease = pool.lease(target)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
            }
        }

        SshChannel channel(OsCommands os) {
            return new SshChannel("m1", target, pool, os, new SpillFiles(dir.resolve("out"), clock));
        }

        @Override
        public void close() throws Exception {
            pool.close();
            link.close();
        }
    }

    /** The member's processes whose command line names {@code folder} (the part file's dd). */
    private static long ddsWriting(Path folder) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", "dd .*" + folder).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> !l.isBlank()).count();
    }
}
