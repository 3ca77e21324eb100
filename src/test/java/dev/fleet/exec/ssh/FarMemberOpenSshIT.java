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
 * streams into regions of its part file; the file arrives byte for byte both ways. A region whose
 * tool fails fails the copy, the earlier file stays, and no dd of the copy is left on the member.
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

    @Test
    void aRegionThatFailsEndsTheOtherStreamsOnTheMemberAndLeavesNothingBehind() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        try (DelayedLink link = new DelayedLink(SSHD.get().port, 30);
             SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(10),
                     Duration.ofMinutes(5), UploadWarmUp.usual())) {
            SshTarget target = new SshTarget("m1|far-fail", "127.0.0.1", link.port(), SSHD.get().user, null, SSHD.get().key);
            try (SshPool.Lease lease = pool.lease(target)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
            }
            // The last region's tool fails at once, as a full disk would; the others are mid-copy then.
            OsCommands linux = OsCommands.forOs(MemberOs.LINUX);
            OsCommands lastFails = (OsCommands) java.lang.reflect.Proxy.newProxyInstance(OsCommands.class.getClassLoader(),
                    new Class<?>[] {OsCommands.class}, (proxy, m, args) -> {
                        if (m.getName().equals("streamedWriteAt") && (long) args[1] >= 30) {
                            return java.util.Optional.of("echo 'dd: error writing: No space left on device' >&2; exit 1");
                        }
                        try {
                            return m.invoke(linux, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            SshChannel channel = new SshChannel("m1", target, pool, lastFails, new SpillFiles(tmp.resolve("out"), clock));
            byte[] bytes = new byte[(int) (40 * MIB)];
            new Random(31).nextBytes(bytes);
            Path source = Files.write(tmp.resolve("big.bin"), bytes);
            Path folder = Files.createDirectories(SSHD.get().home.resolve("far-fail-" + System.nanoTime()));
            Path remote = folder.resolve("big.bin");
            Files.writeString(remote, "the earlier file");
            try (FileSession files = channel.files()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.upload(source, remote.toString(), 0, real -> null, n -> { }))
                        .hasMessageContaining("No space left on device");
            }
            assertThat(Files.readString(remote)).isEqualTo("the earlier file");
            try (java.util.stream.Stream<Path> left = Files.list(folder)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("big.bin");
            }
            // No dd of this copy is left running on the member.
            await().atMost(Duration.ofSeconds(10)).until(() -> ddsWriting(folder) == 0);
        }
    }

    /** The member's processes whose command line names {@code folder} (the part file's dd). */
    private static long ddsWriting(Path folder) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", "dd .*" + folder).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> !l.isBlank()).count();
    }
}
