package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.CommandRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upload warm-up after a server's connection, against the in-process SSH server on the real
 * file system, over SFTP 3 (as OpenSSH speaks it: the file type in the permission bits) and 6
 * (MINA's own: a type field): never into a regular file under the sink's name, nor a link to one,
 * nor a device whose type the server does not state, nor over a slow link, nor to a cloud
 * instance, nor while no channel is free; it always gives its channel back. What it does send,
 * and its time limit, are tried against OpenSSH ({@code UploadWarmUpOpenSshIT}).
 */
class UploadWarmUpTest {
    private static final long BUDGET = 2L * 1024 * 1024;

    @TempDir
    Path tmp;

    private Map<Path, Long> written;
    private int freeChannelsAfter;

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aDeviceWhoseTypeTheServerDoesNotStateIsLeftAlone(int sftpVersion) throws Exception {
        // MINA's SFTP server, unlike OpenSSH's, states no file type for a device: nothing is sent.
        UploadWarmUp.Outcome outcome = warmUpAfterConnection(warmUp(UploadWarmUp.SINK), sftpVersion, null);
        assertThat(outcome).isEqualTo(new UploadWarmUp.Skipped(UploadWarmUp.SINK + " is not a character device"));
        assertThat(written).isEmpty();
        assertThat(freeChannelsAfter).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aRegularFileUnderTheSinksNameIsLeftAlone(int sftpVersion) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-device"), "keep me");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
        UploadWarmUp.Outcome outcome = warmUpAfterConnection(warmUp(file.toString()), sftpVersion, null);
        assertThat(outcome).isEqualTo(new UploadWarmUp.Skipped(file + " is not a character device"));
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(1_000_000_000_000L);
        assertThat(written).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void aLinkUnderTheSinksNameToARegularFileIsLeftAlone(int sftpVersion) throws Exception {
        Path file = Files.writeString(tmp.resolve("target"), "keep me");
        Path link = Files.createSymbolicLink(tmp.resolve("null"), file);
        UploadWarmUp.Outcome outcome = warmUpAfterConnection(warmUp(link.toString()), sftpVersion, null);
        assertThat(outcome).isInstanceOf(UploadWarmUp.Skipped.class);
        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(written).isEmpty();
    }

    @Test
    void aSlowLinkGetsNothing() throws Exception {
        UploadWarmUp.Outcome outcome = warmUpAfterConnection(
                new UploadWarmUp(UploadWarmUp.SINK, BUDGET, 0, UploadWarmUp.TIME_LIMIT_NANOS, System::nanoTime), 0, null);
        assertThat(outcome).isInstanceOf(UploadWarmUp.Skipped.class);
        assertThat(((UploadWarmUp.Skipped) outcome).reason()).contains("round trip").contains("the link, not the CPU");
        assertThat(written).isEmpty();
        assertThat(freeChannelsAfter).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
    }

    @Test
    void aCloudInstanceGetsNoSftpSessionAtAll() throws Exception {
        // Its idle check counts an SFTP session as a transfer: the warm-up would keep it running.
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("cloud"), UploadWarmUp.usual(), 0, "i-0123456789abcdef0")) {
            ssh.pool.warmTransfersAfterConnections();
            assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals(TransferWarmUps.THREAD_NAME)));
            assertThat(ssh.pool.cipherWarmUpStarted()).as("the cipher warm-up sends nothing").isTrue();
            assertThat(ssh.pool.lastUploadWarmUp()).isNull();
            assertThat(ssh.sshd.openChannels()).as("no SFTP session left open").isZero();
        }
    }

    @Test
    void itTakesNoChannelACallMightWaitFor() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("busy"), warmUp(UploadWarmUp.SINK))) {
            ssh.pool.warmTransfersAfterConnections();
            SshTarget target = ssh.channelTarget();
            // Every channel taken before the warm-up's turn (it waits for the connection to fall quiet).
            List<SshPool.Lease> held = new ArrayList<>();
            for (int i = 0; i < SshPool.CHANNELS_PER_CONNECTION; i++) {
                held.add(ssh.pool.lease(target));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ssh.pool.lastUploadWarmUp() != null);
            assertThat(ssh.pool.lastUploadWarmUp()).isInstanceOf(UploadWarmUp.Skipped.class);
            assertThat(ssh.pool.freeChannels(target.key())).isZero();
            held.forEach(SshPool.Lease::close);
            assertThat(ssh.pool.freeChannels(target.key())).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
            assertThat(ssh.sshd.writtenFiles()).isEmpty();
        }
    }

    @Test
    void aOneShotCommandsPoolNeverRunsIt() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("one-shot"), UploadWarmUp.usual())) {
            assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            assertThat(ssh.pool.cipherWarmUpStarted()).isFalse();
            assertThat(ssh.pool.lastUploadWarmUp()).isNull();
            assertThat(ssh.sshd.writtenFiles()).isEmpty();
        }
    }

    private static UploadWarmUp warmUp(String sink) {
        return new UploadWarmUp(sink, BUDGET, UploadWarmUp.FAST_ROUND_TRIP_NANOS, UploadWarmUp.TIME_LIMIT_NANOS, System::nanoTime);
    }

    /**
     * A server's pool (told to warm up) makes its first connection to a member speaking
     * {@code sftpVersion} (0: any); returns what the warm-up did once it has ended, with the files
     * the member saw written in {@link #written} and the free channels after it.
     */
    private UploadWarmUp.Outcome warmUpAfterConnection(UploadWarmUp warmUp, int sftpVersion, String instanceId) throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("member-" + System.nanoTime()), warmUp, sftpVersion, instanceId)) {
            ssh.pool.warmTransfersAfterConnections();
            assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ssh.pool.lastUploadWarmUp() != null);
            assertThat(ssh.channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout())
                    .as("the connection still serves calls").contains("after");
            written = ssh.sshd.writtenFiles();
            freeChannelsAfter = ssh.pool.freeChannels(ssh.channelTarget().key());
            return ssh.pool.lastUploadWarmUp();
        }
    }
}
