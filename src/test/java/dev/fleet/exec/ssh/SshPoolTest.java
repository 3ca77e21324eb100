package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.SpillFiles;
import dev.fleet.exec.UnreachableException;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection pool: one connection per member, reused, closed after the idle period. */
class SshPoolTest {
    @TempDir
    Path tmp;
    TestSshServer sshd;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    SshPool pool;
    SshChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        TestHome home = new TestHome(tmp);
        sshd = new TestSshServer(home, tmp.resolve("sshd")).start();
        Path key = TestKeys.write(tmp.resolve("keys/k"), "ssh-ed25519", 256, null);
        TestKeys.authorize(home, key);
        pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(5), Duration.ofMinutes(5));
        channel = new SshChannel(new SshTarget("m1|x", "127.0.0.1", sshd.port(), TestSshServer.USER, null, key), pool,
                OsCommands.forOs(MemberOs.LINUX), new SpillFiles(tmp.resolve("out"), clock));
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.close();
        sshd.close();
    }

    @Test
    void theWarmUpConnectsNowhereAndTheFirstCallAfterItWorks() throws Exception {
        assertThat(pool.prepare()).as("ran through: key pair, signature, key exchange, cipher").isTrue();
        assertThat(sshd.sessions()).as("no connection made").isZero();
        assertThat(pool.openConnections()).isZero();
        assertThat(channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout()).contains("after");
        assertThat(sshd.sessions()).isEqualTo(1);
    }

    @Test
    void callsShareOneConnectionWhichClosesAfterFiveIdleMinutes() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(channel.exec(CommandRequest.probe("echo " + i, Duration.ofSeconds(10))).stdout()).contains(String.valueOf(i));
        }
        assertThat(pool.openConnections()).isEqualTo(1);
        assertThat(sshd.sessions()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(4));
        pool.closeIdle();
        assertThat(pool.openConnections()).as("not idle long enough").isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        pool.closeIdle();
        assertThat(pool.openConnections()).isZero();

        assertThat(channel.exec(CommandRequest.probe("echo again", Duration.ofSeconds(10))).stdout()).contains("again");
        assertThat(pool.openConnections()).isEqualTo(1);
    }

    @Test
    void aChannelThatCannotBeOpenedFailsOnlyItsOwnCallAndLeavesOtherCommandsOnTheConnectionRunning() throws Exception {
        sshd.restartLimitedTo(1);
        java.util.concurrent.CompletableFuture<dev.fleet.exec.CommandResult> first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return channel.exec(CommandRequest.probe("echo started; sleep 3; echo finished", Duration.ofSeconds(30)));
                    } catch (dev.fleet.exec.ChannelException e) {
                        throw new IllegalStateException(e);
                    }
                });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sshd.openChannels() == 1);

        // The server refuses a second channel on that connection: the call moves to a new connection.
        assertThat(channel.exec(CommandRequest.probe("echo second", Duration.ofSeconds(10))).stdout()).contains("second");

        dev.fleet.exec.CommandResult r = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.exitCode()).as("the first command ran to its end: " + r.stderr()).isZero();
        assertThat(r.stdout()).contains("started", "finished");
        // The old connection takes no new work and closes once its last command has ended.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sshd.sessions() == 1);
        assertThat(pool.openConnections()).isEqualTo(1);
        assertThat(channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout()).contains("after");
    }

    @Test
    void aRefusedConnectionIsUnreachableSoCallersMayRetrySafely() throws Exception {
        sshd.stop();
        assertThatThrownBy(() -> channel.exec(CommandRequest.probe("true", Duration.ofSeconds(5))))
                .isInstanceOf(UnreachableException.class).hasMessageContaining("connection refused");
    }
}
