package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed uploads against a real OpenSSH sshd and the member's real GNU dd: the options fleet
 * relies on are taken ({@link StreamedWrites#works}), a large file arrives whole through them,
 * and dd keeps its promises: it never writes through a link at the name, never into a regular
 * file where a device is asked for, and its complaint (a full disk, here {@code /dev/full})
 * reaches the caller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamedUploadOpenSshIT {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private static final OsCommands LINUX = OsCommands.forOs(MemberOs.LINUX);

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    static Path tmp;

    @Test
    void aLargeFileGoesThroughTheMembersDdWhole() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("whole"));
        Path work = Files.createDirectories(dir.resolve("work"));
        byte[] bytes = new byte[(int) StreamedWrites.SMALLEST_FILE * 3 + 7];
        new Random(3).nextBytes(bytes);
        Path source = Files.write(dir.resolve("big.bin"), bytes);
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxr-x---"));
        try (SshPool pool = pool(dir)) {
            SshChannel channel = new SshChannel("m1", SSHD.get().target("whole"), pool, LINUX, new SpillFiles(dir.resolve("out"), CLOCK));
            try (FileSession files = channel.files()) {
                files.upload(source, work.resolve("big.bin").toString(), 0, real -> null, n -> { });
            }
            try (SshPool.Lease lease = pool.lease(SSHD.get().target("whole"))) {
                assertThat(StreamedWrites.known(lease.session())).as("the real dd took the options: it went as a stream").isTrue();
            }
        }
        assertThat(Files.mismatch(source, work.resolve("big.bin"))).isEqualTo(-1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("big.bin")))).isEqualTo("rwxr-x---");
        try (var left = Files.list(work)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("big.bin");
        }
    }

    @Test
    void ddNeverWritesThroughALinkAtTheName() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("link"));
        Path victim = Files.writeString(dir.resolve("victim"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("part"), victim);
        StreamedWrites.Outcome outcome = stream("link", LINUX.streamedWrite(link.toString(), false).orElseThrow(), "written");
        assertThat(outcome).isInstanceOf(StreamedWrites.Failed.class);
        assertThat(Files.readString(victim)).isEqualTo("keep me");
    }

    @Test
    void aDeviceOnlyWriteLeavesARegularFileAlone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("device"));
        Path file = Files.writeString(dir.resolve("null"), "keep me");
        StreamedWrites.Outcome outcome = stream("device", LINUX.streamedWrite(file.toString(), true).orElseThrow(), "zeros");
        assertThat(outcome).isInstanceOf(StreamedWrites.Failed.class);
        assertThat(((StreamedWrites.Failed) outcome).said()).isEqualTo("fleet: not a character device");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void aFullDiskIsReportedInDdsWords() throws Exception {
        StreamedWrites.Outcome outcome = stream("full", LINUX.streamedWrite("/dev/full", true).orElseThrow(), "x".repeat(100_000));
        assertThat(outcome).isInstanceOf(StreamedWrites.Failed.class);
        assertThat(((StreamedWrites.Failed) outcome).said()).contains("No space left on device");
    }

    private StreamedWrites.Outcome stream(String name, String script, String content) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name + "-pool"));
        try (SshPool pool = pool(dir); SshPool.Lease lease = pool.lease(SSHD.get().target(name))) {
            return StreamedWrites.write(lease.session(), LINUX, script, "test", Channels.newChannel(
                    new ByteArrayInputStream(content.getBytes(java.nio.charset.StandardCharsets.UTF_8))), Duration.ofSeconds(30));
        }
    }

    private static SshPool pool(Path dir) {
        return new SshPool(new TofuHostKeys(dir.resolve("known_hosts")), CLOCK, Duration.ofSeconds(10), Duration.ofMinutes(5));
    }
}
