package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.CommandRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload warm-up after a server's first connection, against the in-process SSH server on the
 * real file system: never into a regular file under the sink's name, nor a link to one, nor a device
 * whose type the server does not state, nor over a slow link. What it does send, and its time
 * limit, are tried against OpenSSH ({@code UploadWarmUpOpenSshIT}).
 */
class UploadWarmUpTest {
    private static final long BUDGET = 2L * 1024 * 1024;
    private static final Path DEV_NULL = Path.of(UploadWarmUp.SINK);

    @TempDir
    Path tmp;

    @Test
    void aDeviceWhoseTypeTheServerDoesNotStateIsLeftAlone() throws Exception {
        // MINA's SFTP server, unlike OpenSSH's, states no file type for a device: nothing is sent.
        UploadWarmUp.Outcome outcome = warmUpAfterFirstConnection(
                new UploadWarmUp(UploadWarmUp.SINK, BUDGET, UploadWarmUp.FAST_ROUND_TRIP_NANOS, System::nanoTime));
        assertThat(outcome).isEqualTo(new UploadWarmUp.Skipped(UploadWarmUp.SINK + " is not a character device"));
        assertThat(written).isEmpty();
    }

    @Test
    void aRegularFileUnderTheSinksNameIsLeftAlone() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-device"), "keep me");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
        UploadWarmUp.Outcome outcome = warmUpAfterFirstConnection(
                new UploadWarmUp(file.toString(), BUDGET, UploadWarmUp.FAST_ROUND_TRIP_NANOS, System::nanoTime));
        assertThat(outcome).isEqualTo(new UploadWarmUp.Skipped(file + " is not a character device"));
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(1_000_000_000_000L);
        assertThat(written).isEmpty();
    }

    @Test
    void aLinkUnderTheSinksNameToARegularFileIsLeftAlone() throws Exception {
        Path file = Files.writeString(tmp.resolve("target"), "keep me");
        Path link = Files.createSymbolicLink(tmp.resolve("null"), file);
        UploadWarmUp.Outcome outcome = warmUpAfterFirstConnection(
                new UploadWarmUp(link.toString(), BUDGET, UploadWarmUp.FAST_ROUND_TRIP_NANOS, System::nanoTime));
        assertThat(outcome).isInstanceOf(UploadWarmUp.Skipped.class);
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(written).isEmpty();
    }

    @Test
    void aSlowLinkGetsNothing() throws Exception {
        UploadWarmUp.Outcome outcome = warmUpAfterFirstConnection(
                new UploadWarmUp(UploadWarmUp.SINK, BUDGET, 0, System::nanoTime));
        assertThat(outcome).isInstanceOf(UploadWarmUp.Skipped.class);
        assertThat(((UploadWarmUp.Skipped) outcome).reason()).contains("round trip").contains("the link, not the CPU");
        assertThat(written).isEmpty();
    }

    @Test
    void aOneShotCommandsPoolNeverRunsIt() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("one-shot"), UploadWarmUp.usual())) {
            assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            Thread.sleep(200);
            assertThat(ssh.pool.lastUploadWarmUp()).isNull();
            assertThat(ssh.sshd.writtenFiles()).isEmpty();
        }
    }

    private Map<Path, Long> written;

    /**
     * A server's pool (told to warm up) makes its first connection; returns what the warm-up did
     * once it has ended, with the files the member saw written in {@link #written}.
     */
    private UploadWarmUp.Outcome warmUpAfterFirstConnection(UploadWarmUp warmUp) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("member"), warmUp)) {
            ssh.pool.warmCipherAfterFirstConnection();
            assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ssh.pool.lastUploadWarmUp() != null);
            assertThat(ssh.channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout())
                    .as("the connection still serves calls").contains("after");
            written = ssh.sshd.writtenFiles();
            return ssh.pool.lastUploadWarmUp();
        }
    }
}
