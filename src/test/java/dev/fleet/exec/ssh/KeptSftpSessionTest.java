package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.FileSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer's SFTP session is kept open for the next transfer call to the member
 * ({@link SshPool#SFTP_KEPT}), which then pays no new session: kept only after a batch without a
 * failure, closed once it sat unused for its time, and never in the way of other work (new
 * channels, a server that takes one session per connection, a member let go).
 */
class KeptSftpSessionTest {
    @TempDir
    Path tmp;

    private static void send(SshChannelFixture ssh, Path local, Path dest) throws Exception {
        try (FileSession files = ssh.channel.files()) {
            files.upload(local, dest.toString(), 1_700_000_000L, real -> null, n -> { });
        }
    }

    @Test
    void theNextBatchUsesTheSessionTheLastOneLeftUntilItSatUnusedForItsTime() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path local = Files.writeString(tmp.resolve("a.txt"), "alpha");
            send(ssh, local, ssh.work.resolve("one.txt"));
            assertThat(ssh.pool.keepsSftp(ssh.channelTarget().key())).isTrue();
            send(ssh, local, ssh.work.resolve("two.txt"));
            assertThat(ssh.sshd.sftpSessions()).as("SFTP sessions of two batches").isEqualTo(1);
            assertThat(Files.readString(ssh.work.resolve("two.txt"))).isEqualTo("alpha");

            ssh.clock.advance(SshPool.SFTP_KEPT.minusSeconds(1));
            ssh.pool.closeIdle();
            assertThat(ssh.pool.keepsSftp(ssh.channelTarget().key())).as("kept for its time").isTrue();
            ssh.clock.advance(Duration.ofSeconds(1));
            ssh.pool.closeIdle();
            assertThat(ssh.pool.keepsSftp(ssh.channelTarget().key())).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.openChannels() == 0);
            assertThat(ssh.sshd.openSftpHandles()).isZero();

            send(ssh, local, ssh.work.resolve("three.txt"));
            assertThat(ssh.sshd.sftpSessions()).isEqualTo(2);
        }
    }

    @Test
    void aBatchWithAFailureClosesItsSession() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path local = Files.writeString(tmp.resolve("a.txt"), "alpha");
            send(ssh, local, ssh.work.resolve("one.txt"));
            Files.writeString(ssh.work.resolve("plain"), "a file where a folder would be");
            assertThatThrownBy(() -> send(ssh, local, ssh.work.resolve("plain/f.txt"))).isInstanceOf(IOException.class);
            assertThat(ssh.pool.keepsSftp(ssh.channelTarget().key())).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.openChannels() == 0);

            send(ssh, local, ssh.work.resolve("two.txt"));
            assertThat(ssh.sshd.sftpSessions()).as("a new session after the failed batch").isEqualTo(2);
            assertThat(ssh.pool.freeChannels(ssh.channelTarget().key())).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
        }
    }

    @Test
    void aKeptSessionGivesItsChannelToNewWork() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path local = Files.writeString(tmp.resolve("a.txt"), "alpha");
            String key = ssh.channelTarget().key();
            send(ssh, local, ssh.work.resolve("one.txt"));
            List<SshPool.Lease> leases = new ArrayList<>();
            try {
                for (int i = 1; i < SshPool.CHANNELS_PER_CONNECTION; i++) {
                    leases.add(ssh.pool.lease(ssh.channelTarget()));
                }
                assertThat(ssh.pool.keepsSftp(key)).as("kept while a channel was free beside it").isTrue();
                // A second channel beside a transfer's (a stream's), taken only if free at once: the kept session's.
                SshPool.Lease beside = leases.get(0).alsoIfFree();
                assertThat(beside).isNotNull();
                leases.add(beside);
                assertThat(ssh.pool.keepsSftp(key)).isFalse();
            } finally {
                leases.forEach(SshPool.Lease::close);
                leases.clear();
            }

            send(ssh, local, ssh.work.resolve("two.txt"));
            try {
                for (int i = 0; i < SshPool.CHANNELS_PER_CONNECTION; i++) {
                    leases.add(ssh.pool.lease(ssh.channelTarget()));
                }
                assertThat(ssh.pool.keepsSftp(key)).isFalse();
            } finally {
                leases.forEach(SshPool.Lease::close);
            }
            assertThat(ssh.pool.freeChannels(key)).isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
        }
    }

    @Test
    void aServerThatTakesOneSessionAConnectionRunsACommandBetweenTransfersOnTheSameConnection() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            ssh.sshd.restartLimitedTo(1);
            Path local = Files.writeString(tmp.resolve("a.txt"), "alpha");
            send(ssh, local, ssh.work.resolve("one.txt"));
            assertThat(ssh.pool.keepsSftp(ssh.channelTarget().key())).isTrue();

            assertThat(ssh.channel.exec(CommandRequest.probe("echo between", Duration.ofSeconds(10))).stdout()).contains("between");
            assertThat(ssh.pool.openConnections()).isEqualTo(1);
            assertThat(ssh.sshd.sessions()).as("no second connection").isEqualTo(1);
            send(ssh, local, ssh.work.resolve("two.txt"));
            assertThat(Files.readString(ssh.work.resolve("two.txt"))).isEqualTo("alpha");
        }
    }

    @Test
    void aMemberLetGoClosesItsKeptSessionAndItsConnection() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            send(ssh, Files.writeString(tmp.resolve("a.txt"), "alpha"), ssh.work.resolve("one.txt"));
            assertThat(ssh.sshd.sessions()).isEqualTo(1);
            ssh.pool.invalidatePrefix("m1|");
            await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.sessions() == 0);
        }
    }
}
