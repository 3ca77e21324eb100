package dev.fleet.exec.ssh;

import static dev.fleet.exec.ssh.SshChannelFixture.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large uploads as one stream into the member's {@code dd} (the in-process SSH server runs real
 * commands on this machine, GNU dd included): the file arrives whole, with its permission bits,
 * under its name and nowhere else; small files, a pool told not to stream, a member whose dd
 * refuses the options and a connection with no second channel free all go over SFTP; and a tool
 * that fails, or writes anywhere but the file fleet created, fails the copy and leaves the
 * destination as it was.
 */
class StreamedUploadTest {
    private static final int LARGE = (int) StreamedWrites.SMALLEST_FILE + 123_457;

    @TempDir
    Path tmp;

    @Test
    void aLargeFileGoesAsAStreamAndArrivesWholeWithItsModeAndNothingElse() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path source = randomFile(tmp.resolve("big.bin"), LARGE);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-------"));
            Path dest = ssh.work.resolve("big.bin");
            AtomicLong progress = new AtomicLong();
            try (FileSession files = ssh.channel.files()) {
                files.upload(source, dest.toString(), 0, real -> null, progress::set);
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest))).isEqualTo("rw-------");
            assertThat(progress.get()).isEqualTo(LARGE);
            assertThat(ssh.sshd.writtenFiles()).as("no byte went as an SFTP write").isEmpty();
            assertThat(names(ssh.work)).containsExactly("big.bin");
            assertThat(ssh.pool.freeChannels(ssh.channelTarget().key())).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
        }
    }

    @Test
    void aNameFullOfShellCharactersReachesDdAsOneWordAndNothingElseRuns() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            String name = "-x ' \"$(touch pwned)\" `touch pwned2`; touch pwned3 \\ of=y\nz=1 *.bin";
            Path source = randomFile(tmp.resolve("big.bin"), LARGE);
            Path dest = ssh.work.resolve(name);
            try (FileSession files = ssh.channel.files()) {
                files.upload(source, dest.toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
            assertThat(ssh.sshd.writtenFiles()).as("it went as a stream").isEmpty();
            assertThat(names(ssh.work)).containsExactly(name);
            try (Stream<Path> all = Files.walk(tmp)) {
                assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pwned"));
            }
        }
    }

    @Test
    void smallFilesAndAPoolToldNotToStreamUseSftp() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path small = randomFile(tmp.resolve("small.bin"), (int) StreamedWrites.SMALLEST_FILE - 1);
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            ssh.pool.streamUploads(false);
            try (FileSession files = ssh.channel.files()) {
                files.upload(small, ssh.work.resolve("small.bin").toString(), 0, real -> null, n -> { });
                files.upload(large, ssh.work.resolve("large.bin").toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(small, ssh.work.resolve("small.bin"))).isEqualTo(-1);
            assertThat(Files.mismatch(large, ssh.work.resolve("large.bin"))).isEqualTo(-1);
            assertThat(sftpWritten(ssh)).isEqualTo((long) small.toFile().length() + LARGE);
        }
    }

    @Test
    void withNoSecondChannelFreeTheUploadGoesOverSftpAndWaitsForNothing() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            List<SshPool.Lease> held = new ArrayList<>();
            try (FileSession files = ssh.channel.files()) {
                for (int i = 1; i < SshPool.CHANNELS_PER_CONNECTION; i++) {
                    held.add(ssh.pool.lease(ssh.channelTarget()));
                }
                files.upload(large, ssh.work.resolve("large.bin").toString(), 0, real -> null, n -> { });
            } finally {
                held.forEach(SshPool.Lease::close);
            }
            assertThat(Files.mismatch(large, ssh.work.resolve("large.bin"))).isEqualTo(-1);
            assertThat(sftpWritten(ssh)).isEqualTo((long) LARGE);
        }
    }

    @Test
    void aMemberWhoseDdRefusesTheOptionsGetsSftp() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            // BSD or BusyBox dd: "unknown operand" and a non-zero exit, nothing on stdout.
            OsCommands os = linuxWith("streamedWriteCheck", Optional.of("echo 'dd: unknown operand oflag' >&2; exit 1"), null);
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            try (FileSession files = channel(ssh, os).files()) {
                files.upload(large, ssh.work.resolve("large.bin").toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(large, ssh.work.resolve("large.bin"))).isEqualTo(-1);
            assertThat(sftpWritten(ssh)).isEqualTo((long) LARGE);
        }
    }

    /**
     * A member that could not be asked (here its server refuses a second channel, as OpenSSH's
     * MaxSessions would) gets SFTP for this copy, and the missing answer is not kept: the next
     * large upload on the connection asks again.
     */
    @Test
    void noAnswerToTheStreamQuestionIsNotKeptForTheConnection() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            ssh.sshd.restartLimitedTo(1);
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            try (FileSession files = ssh.channel.files()) {
                files.upload(large, ssh.work.resolve("large.bin").toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.mismatch(large, ssh.work.resolve("large.bin"))).isEqualTo(-1);
            assertThat(sftpWritten(ssh)).isEqualTo((long) LARGE);
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                assertThat(StreamedWrites.known(lease.session())).as("no answer kept").isNull();
                // An answer is kept, and then not asked for again.
                assertThat(StreamedWrites.works(lease.session(), s -> Optional.empty())).isFalse();
                assertThat(StreamedWrites.known(lease.session())).isNull();
                assertThat(StreamedWrites.works(lease.session(), s -> Optional.of(true))).isTrue();
                assertThat(StreamedWrites.works(lease.session(), s -> {
                    throw new AssertionError("asked again");
                })).isTrue();
            }
        }
    }

    @Test
    void aToolThatFailsMidwayFailsTheCopyAndLeavesTheDestinationAsItWas() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            // Takes a megabyte, then fails as dd does on a full disk.
            OsCommands os = linuxWith("streamedWrite", null, "echo \"dd: error writing 'x': No space left on device\" >&2; "
                    + "head -c 1048576 >/dev/null; exit 1");
            Path dest = Files.writeString(ssh.work.resolve("data.bin"), "the old content");
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            try (FileSession files = channel(ssh, os).files()) {
                assertThatThrownBy(() -> files.upload(large, dest.toString(), 0, real -> null, n -> { }))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("could not write " + dest)
                        // The in-process server, unlike OpenSSH, may drop a command's stderr once its
                        // stdin broke; dd's words over OpenSSH: StreamedUploadOpenSshIT.
                        .message().containsAnyOf("No space left on device", "(exit 1)").endsWith("not copied");
            }
            assertThat(Files.readString(dest)).isEqualTo("the old content");
            assertThat(names(ssh.work)).as("the part file removed").containsExactly("data.bin");
        }
    }

    @Test
    void aToolThatWroteAnywhereButTheFileFleetCreatedFailsTheCopy() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            // Exits 0 having put every byte elsewhere: what arrived is checked on fleet's own handle.
            Path elsewhere = tmp.resolve("elsewhere.bin");
            OsCommands os = linuxWith("streamedWrite", null, "cat > '" + elsewhere + "'");
            Path dest = Files.writeString(ssh.work.resolve("data.bin"), "the old content");
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            try (FileSession files = channel(ssh, os).files()) {
                assertThatThrownBy(() -> files.upload(large, dest.toString(), 0, real -> null, n -> { }))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("holds 0 bytes, not the " + LARGE + " sent");
            }
            assertThat(Files.readString(dest)).isEqualTo("the old content");
            assertThat(names(ssh.work)).containsExactly("data.bin");
        }
    }

    @Test
    void theStreamCarriesTheMembersRunTag() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            // The idle checks count a tagged command as work: a streamed upload must carry the tag.
            Path seen = tmp.resolve("tag.txt");
            OsCommands os = linuxWith("streamedWrite", null, "printf %s \"$" + OsCommands.RUN_TAG + "\" > '" + seen
                    + "'; exec dd bs=1M conv=notrunc,nocreat status=none of=\"$0\"");
            Path large = randomFile(tmp.resolve("large.bin"), LARGE);
            try (FileSession files = channel(ssh, os).files()) {
                files.upload(large, ssh.work.resolve("large.bin").toString(), 0, real -> null, n -> { });
            }
            assertThat(Files.readString(seen)).startsWith(OsCommands.runTag("m1") + "-").doesNotContain("-look-");
        }
    }

    @Test
    void aLocalReadFailureIsThrownAsItIsNotTakenForTheMembersFailure() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path part = Files.createFile(ssh.work.resolve("part"));
            java.nio.channels.ReadableByteChannel failing = new java.nio.channels.ReadableByteChannel() {
                private int reads;

                @Override
                public int read(java.nio.ByteBuffer into) throws IOException {
                    if (++reads > 3) {
                        throw new IOException("disk read error on this machine");
                    }
                    int n = into.remaining();
                    into.position(into.limit());
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
            OsCommands linux = OsCommands.forOs(MemberOs.LINUX);
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                assertThatThrownBy(() -> StreamedWrites.write(lease.session(), linux,
                        linux.streamedWrite(part.toString(), false).orElseThrow(), "test", failing, java.time.Duration.ofSeconds(30)))
                        .isInstanceOf(IOException.class).hasMessage("disk read error on this machine");
            }
            assertThat(ssh.pool.freeChannels(ssh.channelTarget().key())).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
        }
    }

    private static SshChannel channel(SshChannelFixture ssh, OsCommands os) {
        return new SshChannel("m1", ssh.channelTarget(), ssh.pool, os, new SpillFiles(ssh.work.resolve("../out"), ssh.clock));
    }

    /**
     * Linux's commands with one method answered otherwise: {@code answer} for a check, or for a
     * write {@code script} run with the part file as {@code $0} (as the real one names it).
     */
    private static OsCommands linuxWith(String method, Optional<String> answer, String script) {
        return LinuxCommandsWith.answering((name, args) -> {
            if (!name.equals(method)) {
                return null;
            }
            return answer != null ? answer : Optional.of("exec sh -c " + dev.fleet.security.ShellQuote.posix(script) + " "
                    + dev.fleet.security.ShellQuote.posix((String) args[0]));
        });
    }

    private static long sftpWritten(SshChannelFixture ssh) {
        return ssh.sshd.writtenFiles().values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
