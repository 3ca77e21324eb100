package dev.fleet.exec.ssh;

import static dev.fleet.exec.ssh.SshChannelFixture.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The end of an upload sent as one flight of SFTP requests (the last bytes, the times, the close
 * and a look at the destination's name, {@link FlightSftpClient}), against the in-process server
 * speaking SFTP version 3 (as OpenSSH does) and version 6 (MINA's own), whose attributes and
 * requests are laid out differently: the copy has its bytes, its time and its mode; a refused
 * write fails the copy with the server's status, leaves nothing, and the session carries on; and a
 * destination name that is a link is judged where it leads before the rename.
 */
class UploadFlightTest {
    private static final long TIME = 1_700_000_000L;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void smallAndMidSizedFilesArriveWithTheirBytesTimeAndModeAndNoPartFile(int sftpVersion) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), sftpVersion, null)) {
            Path small = randomFile(tmp.resolve("small.txt"), 5_000);
            Files.setPosixFilePermissions(small, PosixFilePermissions.fromString("rw-------"));
            // More than one write request: written first, then ended by the same flight.
            Path mid = randomFile(tmp.resolve("mid.bin"), 1_500_000);
            Path empty = Files.createFile(tmp.resolve("empty"));
            try (FileSession files = ssh.channel.files()) {
                files.upload(small, ssh.work.resolve("a/small.txt").toString(), TIME, real -> null, n -> { });
                files.upload(mid, ssh.work.resolve("a/mid.bin").toString(), TIME + 1, real -> null, n -> { });
                files.upload(empty, ssh.work.resolve("a/empty").toString(), TIME + 2, real -> null, n -> { });
            }
            Path a = ssh.work.resolve("a");
            assertThat(Files.mismatch(small, a.resolve("small.txt"))).isEqualTo(-1);
            assertThat(Files.mismatch(mid, a.resolve("mid.bin"))).isEqualTo(-1);
            assertThat(a.resolve("empty")).isEmptyFile();
            assertThat(Files.getLastModifiedTime(a.resolve("small.txt"))).isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(TIME)));
            assertThat(Files.getLastModifiedTime(a.resolve("mid.bin"))).isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(TIME + 1)));
            assertThat(Files.getLastModifiedTime(a.resolve("empty"))).isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(TIME + 2)));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.resolve("small.txt")))).isEqualTo("rw-------");
            assertThat(names(a)).containsExactly("empty", "mid.bin", "small.txt");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aRefusedWriteFailsTheCopyLeavesNothingAndTheSessionCarriesOn(int sftpVersion) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), sftpVersion, null)) {
            ssh.sshd.refuseWritesTo("full");
            Path source = randomFile(tmp.resolve("x.txt"), 3_000);
            Path old = Files.writeString(ssh.work.resolve("full.txt"), "the old copy");
            try (FileSession files = ssh.channel.files()) {
                assertThatThrownBy(() -> files.upload(source, old.toString(), TIME, real -> null, n -> { }))
                        .hasMessageContaining("failure");
                assertThatThrownBy(() -> files.upload(source, ssh.work.resolve("full-new.txt").toString(), TIME, real -> null, n -> { }))
                        .hasMessageContaining("failure");
                // The same SFTP session: every reply of the failed flights was read, none is taken for another's.
                files.upload(source, ssh.work.resolve("next.txt").toString(), TIME, real -> null, n -> { });
            }
            assertThat(old).hasContent("the old copy");
            assertThat(Files.mismatch(source, ssh.work.resolve("next.txt"))).isEqualTo(-1);
            assertThat(names(ssh.work)).containsExactly("full.txt", "next.txt");
            assertThat(ssh.sshd.sftpSessions()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aDestinationNameThatIsALinkIsJudgedWhereItLeadsAndNothingThereChanges(int sftpVersion) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), sftpVersion, null)) {
            Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("victim.txt"), "keep");
            Path link = Files.createSymbolicLink(ssh.work.resolve("named.txt"), outside);
            Path source = randomFile(tmp.resolve("x.txt"), 2_000);
            String root = ssh.work.toString();
            java.util.List<String> judged = new java.util.ArrayList<>();
            FileSession.Placement insideOnly = real -> {
                judged.add(real);
                return real.startsWith(root + "/") ? null : "destination escapes the work folder; refused";
            };
            try (FileSession files = ssh.channel.files()) {
                assertThatThrownBy(() -> files.upload(source, link.toString(), TIME, insideOnly, n -> { }))
                        .isInstanceOf(FileSession.Refused.class).hasMessage("destination escapes the work folder; refused");
                files.upload(source, ssh.work.resolve("plain.txt").toString(), TIME, insideOnly, n -> { });
            }
            assertThat(outside).hasContent("keep");
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(names(ssh.work)).containsExactly("named.txt", "plain.txt");
            // Before anything was made (the name as written), then right before the rename (where it leads).
            assertThat(judged).containsExactly(link.toString(), outside.toRealPath().toString(),
                    ssh.work.resolve("plain.txt").toString(), ssh.work.resolve("plain.txt").toString());
        }
    }

    /**
     * A file planned small that holds more by the time it is read (it grew) still arrives whole:
     * past the room planned for it, the rest goes in whole requests, at most a few in the air.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aFileLongerThanPlannedArrivesWhole(int sftpVersion) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"), UploadWarmUp.usual(), sftpVersion, null);
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
            Path source = randomFile(tmp.resolve("grew.bin"), 300_000);
            Path dest = ssh.work.resolve("grew.bin");
            org.apache.sshd.sftp.client.SftpClient.CloseableHandle handle = sftp.open(dest.toString(),
                    org.apache.sshd.sftp.client.SftpClient.OpenMode.Write, org.apache.sshd.sftp.client.SftpClient.OpenMode.Create);
            FlightSftpClient.Flight flight = sftp.flight();
            long sent;
            try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(source)) {
                // Planned at 10 bytes, sent in requests of 32 KiB: ten requests after the first.
                sent = flight.writeAll(handle, 0, in, 32 * 1024, 10);
            }
            flight.close(handle);
            flight.lstat(ssh.work.resolve("nothing-here").toString());
            assertThat(flight.finish()).as("nothing under that name").isNull();
            assertThat(sent).isEqualTo(300_000);
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            assertThat(ssh.sshd.largestSftpWrite()).isEqualTo(32 * 1024);
        }
    }

    private static java.util.List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
