package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.UnreachableException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection pool: one connection per member, reused, closed after the idle period. */
class SshPoolTest {
    @TempDir
    Path tmp;
    SshChannelFixture ssh;

    @BeforeEach
    void setUp() throws Exception {
        ssh = new SshChannelFixture(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        ssh.close();
    }

    @Test
    void theWarmUpConnectsNowhereAndTheFirstCallAfterItWorks() throws Exception {
        assertThat(ssh.pool.prepare()).as("ran through: key pair, signature, key exchange, cipher").isTrue();
        assertThat(ssh.sshd.sessions()).as("no connection made").isZero();
        assertThat(ssh.pool.openConnections()).isZero();
        assertThat(ssh.channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout()).contains("after");
        assertThat(ssh.sshd.sessions()).isEqualTo(1);
    }

    @Test
    void aPoolOfAOneShotCommandNeverWarmsTheCipher() throws Exception {
        assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
        assertThat(ssh.pool.cipherWarmUpStarted()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(TransferWarmUps.THREAD_NAME));
    }

    @Test
    void aServersFirstConnectionWhoseUploadWarmUpSendsNothingGetsTheCipherWarmUpWhichEndsOnItsOwn() throws Exception {
        ssh.pool.warmTransfersAfterConnections();
        assertThat(ssh.pool.cipherWarmUpStarted()).as("no connection yet").isFalse();
        assertThat(ssh.channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(TransferWarmUps.THREAD_NAME)));
        // MINA's SFTP server states no file type for /dev/null, so the upload warm-up sends nothing there.
        assertThat(ssh.pool.lastUploadWarmUp()).isInstanceOf(UploadWarmUp.Skipped.class);
        assertThat(ssh.pool.cipherWarmUpStarted()).isTrue();
        assertThat(ssh.channel.exec(CommandRequest.probe("echo again", Duration.ofSeconds(10))).stdout()).contains("again");
    }

    @Test
    void callsShareOneConnectionWhichClosesAfterFiveIdleMinutes() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(ssh.channel.exec(CommandRequest.probe("echo " + i, Duration.ofSeconds(10))).stdout())
                    .contains(String.valueOf(i));
        }
        assertThat(ssh.pool.openConnections()).isEqualTo(1);
        assertThat(ssh.sshd.sessions()).isEqualTo(1);

        ssh.clock.advance(Duration.ofMinutes(4));
        ssh.pool.closeIdle();
        assertThat(ssh.pool.openConnections()).as("not idle long enough").isEqualTo(1);

        ssh.clock.advance(Duration.ofMinutes(2));
        ssh.pool.closeIdle();
        assertThat(ssh.pool.openConnections()).isZero();

        assertThat(ssh.channel.exec(CommandRequest.probe("echo again", Duration.ofSeconds(10))).stdout()).contains("again");
        assertThat(ssh.pool.openConnections()).isEqualTo(1);
    }

    @Test
    void aChannelThatCannotBeOpenedFailsOnlyItsOwnCallAndLeavesOtherCommandsOnTheConnectionRunning() throws Exception {
        ssh.sshd.restartLimitedTo(1);
        java.util.concurrent.CompletableFuture<dev.fleet.exec.CommandResult> first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return ssh.channel.exec(CommandRequest.probe("echo started; sleep 3; echo finished",
                                Duration.ofSeconds(30)));
                    } catch (dev.fleet.exec.ChannelException e) {
                        throw new IllegalStateException(e);
                    }
                });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.openChannels() == 1);

        // The server refuses a second channel on that connection: the call moves to a new connection.
        assertThat(ssh.channel.exec(CommandRequest.probe("echo second", Duration.ofSeconds(10))).stdout()).contains("second");

        dev.fleet.exec.CommandResult r = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.exitCode()).as("the first command ran to its end: " + r.stderr()).isZero();
        assertThat(r.stdout()).contains("started", "finished");
        // The old connection takes no new work and closes once its last command has ended.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.sessions() == 1);
        assertThat(ssh.pool.openConnections()).isEqualTo(1);
        assertThat(ssh.channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout()).contains("after");
    }

    /**
     * Another client renames the member, gives it an icon or removes it while a command runs on it:
     * the pool lets go of the connection (new calls connect afresh), but the running command keeps
     * its connection to its end, which then closes.
     */
    @Test
    void aConnectionLetGoWhileACommandRunsOnItServesThatCommandToItsEndThenCloses() throws Exception {
        java.util.concurrent.CompletableFuture<dev.fleet.exec.CommandResult> running = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return ssh.channel.exec(CommandRequest.probe("echo started; sleep 2; echo finished",
                                Duration.ofSeconds(30)));
                    } catch (dev.fleet.exec.ChannelException e) {
                        throw new IllegalStateException(e);
                    }
                });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.openChannels() == 1);

        ssh.pool.invalidatePrefix("m1|");

        assertThat(ssh.pool.openConnections()).as("out of the pool at once").isZero();
        assertThat(ssh.channel.exec(CommandRequest.probe("echo next", Duration.ofSeconds(10))).stdout())
                .as("a new call connects afresh").contains("next");
        dev.fleet.exec.CommandResult r = running.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.exitCode()).as("the running command was not cut off: " + r.stderr()).isZero();
        assertThat(r.stdout()).contains("started", "finished");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.sessions() == 1);

        // With nothing running on it, a connection let go closes at once.
        ssh.pool.invalidatePrefix("m1|");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ssh.sshd.sessions() == 0);
    }

    @Test
    void aRefusedConnectionIsUnreachableSoCallersMayRetrySafely() throws Exception {
        ssh.sshd.stop();
        assertThatThrownBy(() -> ssh.channel.exec(CommandRequest.probe("true", Duration.ofSeconds(5))))
                .isInstanceOf(UnreachableException.class).hasMessageContaining("connection refused");
    }
}
