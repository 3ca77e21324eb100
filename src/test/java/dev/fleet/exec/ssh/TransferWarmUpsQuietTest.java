package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-ups after a connection wait for the call that made it: they start once the
 * connection has been quiet for a moment, or at the latest a set time after it came up, so a
 * registration's probes never share the CPU with them, and a connection kept busy is still warmed.
 */
class TransferWarmUpsQuietTest {
    @TempDir
    Path tmp;

    @Test
    void theWarmUpsWaitWhileTheConnectionIsBusyAndStartOnceItIsQuiet() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
            TransferWarmUps warmUps = warmUps(TimeUnit.MINUTES.toNanos(10));
            AtomicLong quietFor = new AtomicLong(0);
            warmUps.afterConnection(ssh.channelTarget(), lease.session(), () -> null, () -> false, quietFor::get);

            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> warmUps.lastUpload() == null);
            quietFor.set(TimeUnit.SECONDS.toNanos(1));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> warmUps.lastUpload() != null);
            assertThat(warmUps.lastUpload()).isInstanceOf(UploadWarmUp.Skipped.class);
        }
    }

    @Test
    void aConnectionThatStaysBusyIsWarmedAfterTheLongestDelay() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
            TransferWarmUps warmUps = warmUps(TimeUnit.MILLISECONDS.toNanos(200));
            warmUps.afterConnection(ssh.channelTarget(), lease.session(), () -> null, () -> false, () -> 0);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> warmUps.lastUpload() != null);
            assertThat(warmUps.lastUpload()).isInstanceOf(UploadWarmUp.Skipped.class);
        }
    }

    /** Enabled, quiet after 100 ms, and at the latest {@code mostDelayNanos} after a connection. */
    private static TransferWarmUps warmUps(long mostDelayNanos) {
        TransferWarmUps warmUps = new TransferWarmUps(new CipherWarmUp(1024 * 1024, System::nanoTime), UploadWarmUp.usual(),
                () -> true, TimeUnit.MILLISECONDS.toNanos(100), mostDelayNanos);
        warmUps.enable();
        return warmUps;
    }
}
