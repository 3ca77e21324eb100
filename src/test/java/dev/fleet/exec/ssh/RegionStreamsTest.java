package dev.fleet.exec.ssh;

import static dev.fleet.exec.ssh.SshChannelFixture.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.FileSession;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file to a far member goes over several streams side by side, each into its own region
 * of the part file (the in-process SSH server runs the member's real GNU dd): the count follows
 * the measured round trip, the regions cover the file once, the file arrives byte for byte under
 * its name (shell characters and all) with its mode, progress counts every byte once and only
 * upwards (the four writers' packets sharing socket writes, {@link GatheredWrites}), and a region
 * that fails fails the copy and leaves nothing behind. A member whose
 * sshd refuses some streams' channels gets every region once over the streams it takes, and
 * later files over no more. A near member's file goes as one stream, as before.
 */
class RegionStreamsTest {
    private static final long MIB = 1024 * 1024;
    private static final Pattern SEEK = Pattern.compile(" seek=(\\d+) ");

    @TempDir
    Path tmp;

    @Test
    void theCountFollowsTheRoundTripAndTheSizeUpToFour() {
        assertThat(RegionStreams.count(256 * MIB, Optional.empty())).isEqualTo(1);
        assertThat(RegionStreams.count(256 * MIB, Optional.of(Duration.ofMillis(1)))).isEqualTo(1);
        assertThat(RegionStreams.count(256 * MIB, Optional.of(Duration.ofMillis(10)))).isEqualTo(1);
        // 30 ms: a window of 4.8 MiB, three of the member's 2 MiB.
        assertThat(RegionStreams.count(256 * MIB, Optional.of(Duration.ofMillis(30)))).isEqualTo(3);
        assertThat(RegionStreams.count(256 * MIB, Optional.of(Duration.ofMillis(100)))).isEqualTo(RegionStreams.MOST);
        assertThat(RegionStreams.count(20 * MIB, Optional.of(Duration.ofMillis(100)))).isEqualTo(2);
        assertThat(RegionStreams.count(8 * MIB, Optional.of(Duration.ofMillis(100)))).isEqualTo(1);
    }

    @Test
    void regionsStartAtWholeBlocksAndCoverTheFileOnce() {
        for (long size : new long[] {1, MIB - 1, MIB, MIB + 1, 10 * MIB + 5, 40 * MIB + 123, 5 * MIB}) {
            for (int count = 1; count <= 4; count++) {
                List<RegionStreams.Region> regions = RegionStreams.split(size, count, MIB);
                assertThat(regions).as("%d bytes in %d", size, count).hasSizeBetween(1, count);
                long next = 0;
                for (RegionStreams.Region r : regions) {
                    assertThat(r.start()).as("start of a region of %d bytes in %d", size, count).isEqualTo(next);
                    assertThat(r.start() % MIB).isZero();
                    assertThat(r.length()).isPositive();
                    next = r.start() + r.length();
                }
                assertThat(next).as("end of %d bytes in %d", size, count).isEqualTo(size);
            }
        }
        assertThat(RegionStreams.split(10 * MIB + 5, 4, MIB)).containsExactly(new RegionStreams.Region(0, 3 * MIB),
                new RegionStreams.Region(3 * MIB, 3 * MIB), new RegionStreams.Region(6 * MIB, 3 * MIB),
                new RegionStreams.Region(9 * MIB, MIB + 5));
    }

    @Test
    void aFarMembersLargeFileGoesOverFourStreamsAndArrivesWhole() throws Exception {
        try (SshChannelFixture ssh = far(tmp.resolve("m"))) {
            long size = 40 * MIB + 123;
            Path source = randomFile(tmp.resolve("big.bin"), size);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-------"));
            String name = "a b 'c' \"$(touch pwned)\"; d.bin";
            Path dest = ssh.work.resolve(name);
            List<Long> progress = new ArrayList<>();
            try (FileSession files = ssh.channel.files()) {
                files.upload(source, dest.toString(), 0, real -> null, n -> {
                    synchronized (progress) {
                        progress.add(n);
                    }
                });
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest))).isEqualTo("rw-------");
            assertThat(progress).isSorted().last().isEqualTo(size);
            assertThat(seeks(ssh)).containsExactlyInAnyOrder(0L, 11L, 22L, 33L);
            assertThat(ssh.sshd.writtenFiles()).as("no byte went as an SFTP write").isEmpty();
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                // Four writers' packets, queued together, left in shared socket writes and arrived in order.
                assertThat(((GatheredWrites) lease.session().getIoSession()).packetsSentAlong()).isPositive();
            }
            assertThat(names(ssh.work)).containsExactly(name);
            assertThat(ssh.pool.freeChannels(ssh.channelTarget().key())).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
            try (Stream<Path> all = Files.walk(tmp)) {
                assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pwned"));
            }
        }
    }

    @Test
    void aNearMembersLargeFileGoesAsOneStream() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
            }
            Path source = randomFile(tmp.resolve("big.bin"), 40 * MIB);
            Path dest = ssh.work.resolve("big.bin");
            try (FileSession files = ssh.channel.files()) {
                files.upload(source, dest.toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            assertThat(seeks(ssh)).isEmpty();
            assertThat(ssh.sshd.commands()).filteredOn(c -> c.contains("exec dd bs=1M")).hasSize(1);
        }
    }

    @Test
    void aRegionThatFailsFailsTheCopyAndLeavesNothingBehind() throws Exception {
        try (SshChannelFixture ssh = far(tmp.resolve("m"))) {
            Path source = randomFile(tmp.resolve("big.bin"), 40 * MIB);
            Path dest = ssh.work.resolve("big.bin");
            Files.writeString(dest, "the earlier file");
            SshChannel channel = new SshChannel("m1", ssh.channelTarget(), ssh.pool, failingAfterTheFirstRegion(),
                    new dev.fleet.exec.SpillFiles(ssh.work.resolve("../out"), ssh.clock));
            try (FileSession files = channel.files()) {
                assertThatThrownBy(() -> files.upload(source, dest.toString(), 0, real -> null, n -> { }))
                        .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
            }
            assertThat(Files.readString(dest)).isEqualTo("the earlier file");
            assertThat(names(ssh.work)).containsExactly("big.bin");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ssh.pool.freeChannels(ssh.channelTarget().key()) == SshPool.CHANNELS_PER_CONNECTION);
        }
    }

    @Test
    void aMemberThatAllowsFewerSessionsGetsEveryRegionOnceOverTheStreamsItTakes() throws Exception {
        // Three sessions a connection: the transfer's SFTP session and two streams, not four.
        try (SshChannelFixture ssh = far(tmp.resolve("m"), 3)) {
            Path source = randomFile(tmp.resolve("big.bin"), 40 * MIB);
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                assertThat(RegionStreams.count(lease.session(), 40 * MIB)).isEqualTo(RegionStreams.MOST);
            }
            List<Long> progress = new ArrayList<>();
            Path dest = ssh.work.resolve("big.bin");
            try (FileSession files = ssh.channel.files()) {
                files.upload(source, dest.toString(), 0, real -> null, n -> {
                    synchronized (progress) {
                        progress.add(n);
                    }
                });
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            // Two streams could not start; their regions went over the two that did, each once.
            assertThat(seeks(ssh)).containsExactlyInAnyOrder(0L, 10L, 20L, 30L);
            assertThat(ssh.sshd.writtenFiles()).as("no byte went as an SFTP write").isEmpty();
            assertThat(progress).isSorted().last().isEqualTo(40 * MIB);
            assertThat(names(ssh.work)).containsExactly("big.bin");
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                assertThat(RegionStreams.count(lease.session(), 40 * MIB)).as("streams for the connection's next file").isEqualTo(2);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ssh.pool.freeChannels(ssh.channelTarget().key()) == SshPool.CHANNELS_PER_CONNECTION);

            // The next file goes over the two streams the member takes, none refused.
            int before = ssh.sshd.commands().size();
            Path second = randomFile(tmp.resolve("second.bin"), 40 * MIB + 1);
            try (FileSession files = ssh.channel.files()) {
                files.upload(second, ssh.work.resolve("second.bin").toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(second, ssh.work.resolve("second.bin"))).isEqualTo(-1);
            assertThat(seeks(ssh.sshd.commands().subList(before, ssh.sshd.commands().size())))
                    .containsExactlyInAnyOrder(0L, 21L);
        }
    }

    @Test
    void aMemberThatTakesOneStreamBesideTheSftpSessionGetsEveryRegionOneAfterAnother() throws Exception {
        // Two sessions a connection: the transfer's SFTP session and one more, which the first
        // region takes; the others wait for it and go one after another.
        try (SshChannelFixture ssh = far(tmp.resolve("m"), 2)) {
            Path source = randomFile(tmp.resolve("big.bin"), 40 * MIB);
            Path dest = ssh.work.resolve("big.bin");
            try (FileSession files = ssh.channel.files()) {
                files.upload(source, dest.toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            assertThat(seeks(ssh)).containsExactlyInAnyOrder(0L, 10L, 20L, 30L);
            assertThat(ssh.sshd.writtenFiles()).isEmpty();
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                assertThat(RegionStreams.count(lease.session(), 40 * MIB)).isEqualTo(1);
            }
        }
    }

    /** A member 60 ms away as far as the round trip fleet measures goes (the bytes go at loopback speed). */
    private static SshChannelFixture far(Path dir) throws Exception {
        return far(dir, 0);
    }

    /** The same, allowing only {@code sessions} session channels per connection (0: no limit). */
    private static SshChannelFixture far(Path dir, int sessions) throws Exception {
        SshChannelFixture ssh = new SshChannelFixture(dir);
        if (sessions > 0) {
            ssh.sshd.limitChannels(sessions);
        }
        ssh.sshd.answerKeepAliveAfter(Duration.ofMillis(60)).restart();
        try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
        }
        return ssh;
    }

    /** Linux's commands, but a region after the first fails as a full disk would. */
    private static OsCommands failingAfterTheFirstRegion() {
        return LinuxCommandsWith.answering((name, args) -> name.equals("streamedWriteAt") && (long) args[1] > 0
                ? Optional.of("cat > /dev/null; echo \"dd: error writing: No space left on device\" >&2; exit 1") : null);
    }

    private static List<Long> seeks(SshChannelFixture ssh) {
        return seeks(ssh.sshd.commands());
    }

    private static List<Long> seeks(List<String> commands) {
        List<Long> seeks = new ArrayList<>();
        for (String c : commands) {
            Matcher m = SEEK.matcher(c);
            if (m.find()) {
                seeks.add(Long.parseLong(m.group(1)));
            }
        }
        return seeks;
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
