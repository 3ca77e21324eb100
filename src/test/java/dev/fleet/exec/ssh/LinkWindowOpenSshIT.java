package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSH answers the question fleet measures a connection's round trip with (it refuses
 * {@code keepalive@openssh.com} as unknown, which is an answer all the same): the round trip is
 * known soon after login, and a member on loopback keeps the usual channel window.
 */
class LinkWindowOpenSshIT {
    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    Path tmp;

    @Test
    void theRoundTripIsMeasuredAndALoopbackMemberKeepsTheUsualWindow() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        SshTarget target = SSHD.get().target("window");
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(10),
                Duration.ofMinutes(5));
             SshPool.Lease lease = pool.lease(target)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> LinkWindow.roundTrip(lease.session()).isPresent());
            assertThat(LinkWindow.roundTrip(lease.session()).get()).isLessThan(Duration.ofSeconds(1));
            assertThat(LinkWindow.of(lease.session())).isEqualTo(LinkWindow.USUAL);
        }
    }
}
