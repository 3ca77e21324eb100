package dev.fleet.exec.ssh;

import dev.fleet.base.Background;
import dev.fleet.base.Failures;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.Closeable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-ups a long-lived fleet process (the standalone server or the daemon) runs after SSH
 * connections, so that its first file transfer does not also pay for a JIT that has never run
 * one: the upload warm-up ({@link UploadWarmUp}) after a new connection to a member that is no
 * cloud instance, once per member until one has sent, and the cipher warm-up
 * ({@link CipherWarmUp}) once, only while no upload warm-up has sent: one that has sent ran the
 * same cipher over 32 MiB of real packets, so the cipher warm-up would only take the JIT's time
 * from the rest of the upload path (bench S3, docs/decisions.md). A connection that gets no upload
 * warm-up (a cloud instance, or after a member's warm-up was skipped) gets the cipher warm-up. One
 * background thread runs them one after another and ends when there is nothing left to do. A
 * one-shot command never enables them.
 */
final class TransferWarmUps {
    private static final Logger log = LoggerFactory.getLogger(TransferWarmUps.class);
    static final String THREAD_NAME = "fleet-transfer-warm-up";
    /** Quiet this long, the connection's first call is taken to be done. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * The warm-ups start at most this long after the connection came up, quiet or not. A
     * registration's own work after its connection took about 200 ms here (bench S1).
     */
    static final long MOST_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long QUIET_POLL_MS = 10;

    private final CipherWarmUp cipher;
    private final UploadWarmUp upload;
    private final ExecutorService thread = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            Background.threads(THREAD_NAME));
    private final AtomicBoolean cipherStarted = new AtomicBoolean();
    /** Members (by connection key) whose connection has had its upload warm-up, whatever came of it. */
    private final Set<String> uploadTried = ConcurrentHashMap.newKeySet();
    private volatile boolean uploadSent;
    private volatile boolean enabled;
    private volatile UploadWarmUp.Outcome lastUpload;
    /** Whether the pool sends large uploads as streams where members take them. */
    private final BooleanSupplier streamUploads;
    private final long quietNanos;
    private final long mostDelayNanos;
    /**
     * The warm-up runs before the member's OS is known; a member whose shell or dd does not take
     * the stream refuses it before a byte is offered, and then gets the SFTP warm-up.
     */
    private static final OsCommands STREAM_COMMANDS = OsCommands.forOs(MemberOs.LINUX);

    TransferWarmUps(CipherWarmUp cipher, UploadWarmUp upload, BooleanSupplier streamUploads) {
        this(cipher, upload, streamUploads, QUIET_NANOS, MOST_DELAY_NANOS);
    }

    /** With the quiet that lets the warm-ups start, and their longest delay after a connection, as a test sets them. */
    TransferWarmUps(CipherWarmUp cipher, UploadWarmUp upload, BooleanSupplier streamUploads, long quietNanos,
            long mostDelayNanos) {
        this.cipher = cipher;
        this.upload = upload;
        this.streamUploads = streamUploads;
        this.quietNanos = quietNanos;
        this.mostDelayNanos = mostDelayNanos;
    }

    /** From now on, new connections start the warm-ups; a server calls this as it starts. */
    void enable() {
        enabled = true;
    }

    boolean cipherStarted() {
        return cipherStarted.get();
    }

    /** What the last upload warm-up did; null until one has ended (tests). */
    UploadWarmUp.Outcome lastUpload() {
        return lastUpload;
    }

    /**
     * A new connection to {@code target} is up: queues what is left to warm for it.
     * {@code freeChannel} gives a lease on one of its channels if one is free at once (else null),
     * {@code transferRunning} tells whether a file transfer runs on it, and {@code quietForNanos}
     * how long none of its channels has been in use. Each warm-up first waits for the connection
     * to fall quiet ({@link #awaitQuiet}).
     */
    void afterConnection(SshTarget target, ClientSession session, Supplier<SshPool.Lease> freeChannel,
            BooleanSupplier transferRunning, LongSupplier quietForNanos) {
        if (!enabled) {
            return;
        }
        long upNanos = System.nanoTime();
        boolean upload = !uploadSent && !target.isCloudInstance() && uploadTried.add(target.key());
        if (!upload && (uploadSent || cipherStarted.get())) {
            return;
        }
        thread.execute(() -> {
            awaitQuiet(quietForNanos, upNanos);
            if (upload) {
                warmUploads(target.key(), freeChannel, transferRunning);
            }
            // Checked once the upload warm-up has ended: where it sent, the cipher is warm already.
            if (!uploadSent && cipherStarted.compareAndSet(false, true)) {
                warmCipher(session);
            }
        });
    }

    /**
     * Waits until the connection has been quiet for {@link #QUIET_NANOS}, or until
     * {@link #MOST_DELAY_NANOS} after it came up ({@code upNanos}), whichever comes first (a test
     * may set both). The call that made the connection (a registration's probes, say) then
     * finishes without the warm-ups taking the CPU from it; a connection kept busy still has its
     * transfer path compiled soon after, before a transfer is likely to come.
     */
    private void awaitQuiet(LongSupplier quietForNanos, long upNanos) {
        try {
            while (quietForNanos.getAsLong() < quietNanos && System.nanoTime() - upNanos < mostDelayNanos) {
                TimeUnit.MILLISECONDS.sleep(QUIET_POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warmCipher(ClientSession session) {
        try {
            cipher.runFor(session);
        } catch (Exception | LinkageError e) {
            log.debug("cipher warm-up stopped: {}", Failures.shown(e));
        }
    }

    /** On a channel of its own, if one is free at once: the warm-up never takes one a call is waiting for. */
    private void warmUploads(String key, Supplier<SshPool.Lease> freeChannel, BooleanSupplier transferRunning) {
        UploadWarmUp.Outcome outcome;
        SshPool.Lease lease = uploadSent || transferRunning.getAsBoolean() ? null : freeChannel.get();
        if (lease == null) {
            outcome = new UploadWarmUp.Skipped("no free channel, a transfer running, or warmed already");
        } else {
            outcome = warmUploadsOn(lease, transferRunning);
        }
        if (outcome instanceof UploadWarmUp.Sent) {
            uploadSent = true;
        }
        lastUpload = outcome;
        log.debug("upload warm-up on {}: {}", key, outcome);
    }

    private UploadWarmUp.Outcome warmUploadsOn(SshPool.Lease lease, BooleanSupplier transferRunning) {
        ScheduledExecutorService watchdog = Background.scheduler(THREAD_NAME + "-watchdog");
        // What the warm-up holds open: its SFTP session, then the stream's channel where it streams.
        AtomicReference<Closeable> held = new AtomicReference<>();
        try (lease) {
            // The member's large uploads will go as a stream where it takes one: that is the path to
            // warm. Tried without asking first (the stream itself tells, and falls back to SFTP):
            // one process fewer on the member while the server's first calls still run.
            OsCommands stream = streamUploads.getAsBoolean() ? STREAM_COMMANDS : null;
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
                held.set(sftp);
                // A member that stops answering would hold the channel until MINA's idle timeout.
                watchdog.schedule(() -> closeQuietly(held.get()), upload.holdLimitNanos(), TimeUnit.NANOSECONDS);
                return upload.run(lease.session(), sftp, transferRunning, stream, held::set);
            }
        } catch (Exception | LinkageError e) {
            // The member's own words stay out of the log: it is told by the failure's kind.
            return new UploadWarmUp.Skipped("stopped: " + Failures.shown(e));
        } finally {
            watchdog.shutdownNow();
        }
    }

    private static void closeQuietly(Closeable open) {
        try {
            open.close();
        } catch (Exception e) {
            log.debug("upload warm-up: closing its channel failed: {}", Failures.shown(e));
        }
    }
}
