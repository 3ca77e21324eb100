package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.FileSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel window fleet offers grows with the connection's round trip, measured once after
 * login: a near member keeps MINA's 2 MiB (also when its first answer comes late: it is asked
 * again, and the shortest wait counts), a far one (here: a server that answers the measuring
 * question late) gets a larger window on every channel opened after the answer, and a download
 * over such a channel, whose reads MINA keeps in the air by the window, arrives byte for byte.
 */
class LinkWindowTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void theWindowIsTheUsualOneUpToAboutThirteenMillisecondsThenGrowsWithTheRoundTripUpToTheLargest() {
        assertThat(LinkWindow.forRoundTrip(Duration.ZERO)).isEqualTo(LinkWindow.USUAL).isEqualTo(2 * MIB);
        assertThat(LinkWindow.forRoundTrip(Duration.ofMillis(10))).isEqualTo(LinkWindow.USUAL);
        assertThat(LinkWindow.forRoundTrip(Duration.ofMillis(50))).isEqualTo(8 * MIB);
        assertThat(LinkWindow.forRoundTrip(Duration.ofMillis(100))).isEqualTo(LinkWindow.LARGEST).isEqualTo(16 * MIB);
        assertThat(LinkWindow.forRoundTrip(Duration.ofSeconds(2))).isEqualTo(LinkWindow.LARGEST);
    }

    @Test
    void aNearMemberKeepsTheUsualWindow() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
                assertThat(LinkWindow.roundTrip(lease.session()).get()).isLessThan(Duration.ofMillis(500));
                try (FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
                    assertThat(sftp.getClientChannel().getLocalWindow().getMaxSize()).isEqualTo(LinkWindow.USUAL);
                }
            }
        }
    }

    @Test
    void aLateFirstAnswerFromANearMemberIsAskedAgainAndTheShortestWaitCounts() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            // The first answer after the login comes late; the next ones at once.
            ssh.sshd.answerKeepAliveAfter(Duration.ofMillis(80), Duration.ZERO).restart();
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
                assertThat(LinkWindow.roundTrip(lease.session()).get()).isLessThan(Duration.ofMillis(80));
                assertThat(LinkWindow.of(lease.session())).isEqualTo(LinkWindow.USUAL);
            }
        }
    }

    @Test
    void aFarMemberGetsALargerWindowOnChannelsOpenedAfterTheAnswerAndADownloadOverItArrivesWhole() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            ssh.sshd.answerKeepAliveAfter(Duration.ofMillis(60)).restart();
            long window;
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
                Duration roundTrip = LinkWindow.roundTrip(lease.session()).get();
                assertThat(roundTrip).isGreaterThanOrEqualTo(Duration.ofMillis(60));
                window = LinkWindow.of(lease.session());
                assertThat(window).isEqualTo(LinkWindow.forRoundTrip(roundTrip)).isGreaterThan(LinkWindow.USUAL);
                try (FlightSftpClient sftp = FlightSftpClient.open(lease.session())) {
                    assertThat(sftp.getClientChannel().getLocalWindow().getMaxSize()).isEqualTo(window);
                }
            }
            // More than the larger window: MINA's reads fill it, and the rest follows as it drains.
            byte[] bytes = new byte[(int) (window + 3 * MIB + 11)];
            new Random(23).nextBytes(bytes);
            Path remote = Files.write(ssh.work.resolve("far.bin"), bytes);
            Path local = tmp.resolve("back/far.bin");
            AtomicLong progress = new AtomicLong();
            try (FileSession files = ssh.channel.files()) {
                files.download(remote.toString(), local, progress::set);
            }
            assertThat(Files.size(local)).isEqualTo(bytes.length);
            assertThat(Files.readAllBytes(local)).isEqualTo(bytes);
            assertThat(progress.get()).isEqualTo(bytes.length);
            assertThat(ssh.sshd.openSftpHandles()).as("files left open on the member").isZero();
        }
    }
}
