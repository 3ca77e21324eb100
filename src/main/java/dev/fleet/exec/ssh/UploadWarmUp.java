package dev.fleet.exec.ssh;

import dev.fleet.os.OsCommands;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Once per long-lived fleet process ({@link TransferWarmUps}), after a new SSH connection to a
 * member that is no cloud instance, and only where the link is fast: pipes a few megabytes of
 * zeros into the member's {@code /dev/null} the way its large uploads go (as a stream into its
 * dd, {@link StreamedWrites}, or else over SFTP), so that the JIT has compiled the whole upload
 * path (the stream or the SFTP write requests, channel windows, packet encoding and padding,
 * socket writes, the server's replies) before the first real transfer runs on it.
 * A transfer that starts on the connection meanwhile ends it: the warm-up never competes with one.
 *
 * <p>Why: on a fresh JVM the first large upload over a fast link ran at about 0.7x {@code scp}'s
 * speed while the JIT compiled that path on the same two cores; after 32 MiB sent first, about
 * 0.9x (bench S3). The cipher warm-up alone cannot reach that code: it runs only with a session.
 *
 * <p>What it may touch: only a character device at {@link #SINK}, as the server states the file
 * type (a regular file, a folder or anything else under that name is left alone), checked before
 * it is opened and again on the open handle (a stream: again in the member's shell right before
 * its dd opens it), and opened for writing without creating or truncating. Where a round trip takes longer than {@link #FAST_ROUND_TRIP_NANOS} the link, not
 * the CPU, limits transfers: nothing is sent there. A cloud instance gets nothing at all: an SFTP
 * session on it counts as a transfer and would keep it running (the idle check).
 */
final class UploadWarmUp {
    /** Where the zeros go: every POSIX system has it, and writing to it keeps nothing. */
    static final String SINK = "/dev/null";
    /** Enough for the optimising JIT to take the upload path (bench S3: 16 MiB gave 0.87x, 32 MiB 0.91x). */
    static final long BUDGET_BYTES = 32L * 1024 * 1024;
    /** A LAN or this machine; a member farther away is limited by its link, where the warm-up would only cost bytes. */
    static final long FAST_ROUND_TRIP_NANOS = 5_000_000L;
    /** However fast the link looked, no more zeros are offered after this. */
    static final long TIME_LIMIT_NANOS = 1_000_000_000L;
    /** The fastest of a few round trips: the first calls still run cold code. */
    private static final int ROUND_TRIPS = 3;

    /** What a warm-up did. */
    sealed interface Outcome permits Sent, Skipped {
    }

    /** Zeros written to the sink. */
    record Sent(long bytes) implements Outcome {
    }

    /** Nothing written, and why. */
    record Skipped(String reason) implements Outcome {
    }

    private final String sink;
    private final long budgetBytes;
    private final long fastRoundTripNanos;
    private final long timeLimitNanos;
    private final LongSupplier nanoTime;

    UploadWarmUp(String sink, long budgetBytes, long fastRoundTripNanos, long timeLimitNanos, LongSupplier nanoTime) {
        this.sink = sink;
        this.budgetBytes = budgetBytes;
        this.fastRoundTripNanos = fastRoundTripNanos;
        this.timeLimitNanos = timeLimitNanos;
        this.nanoTime = nanoTime;
    }

    static UploadWarmUp usual() {
        return new UploadWarmUp(SINK, BUDGET_BYTES, FAST_ROUND_TRIP_NANOS, TIME_LIMIT_NANOS, System::nanoTime);
    }

    /** How long the warm-up may hold its channel at most, replies included; past it, its SFTP session is closed. */
    long holdLimitNanos() {
        return timeLimitNanos + 4_000_000_000L;
    }

    /**
     * Checks the sink and the link over {@code sftp}, an SFTP client on {@code session}, and sends
     * if both allow, until the budget or the time limit is reached or {@code transferRunning} says
     * a transfer has started on the connection. Sends as the member's large uploads go: where
     * {@code stream} is given (large uploads may go as streams, {@link StreamedWrites}), the
     * checks are made over {@code sftp}, which is then closed, and the zeros go as a stream on the
     * channel it held, into the sink only
     * if it is still a character device when the member's tool opens it. A member that refuses the
     * stream (its dd lacks the options) gets the SFTP warm-up instead, on a new SFTP session.
     * {@code opened} is handed each channel the warm-up opens after {@code sftp}, so that a
     * watchdog can close it.
     */
    Outcome run(ClientSession session, SftpClient sftp, BooleanSupplier transferRunning, OsCommands stream,
            Consumer<Closeable> opened) throws IOException {
        long roundTrip = Long.MAX_VALUE;
        SftpClient.Attributes attributes = null;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            long start = nanoTime.getAsLong();
            attributes = sftp.stat(sink);
            roundTrip = Math.min(roundTrip, nanoTime.getAsLong() - start);
        }
        if (roundTrip > fastRoundTripNanos) {
            return new Skipped(String.format(Locale.ROOT, "a round trip took %.1f ms: the link, not the CPU, sets the transfer speed",
                    roundTrip / 1e6));
        }
        if (!isCharacterDevice(attributes)) {
            return new Skipped(sink + " is not a character device");
        }
        Zeros zeros = new Zeros(budgetBytes, nanoTime.getAsLong() + timeLimitNanos, nanoTime, transferRunning);
        if (stream != null) {
            return streamed(session, sftp, stream, zeros, transferRunning, opened);
        }
        int request = SftpRequestSizes.of(session, sftp).write();
        // Write only: the sink is never created or truncated.
        try (SftpClient.CloseableHandle handle = sftp.open(sink, SftpClient.OpenMode.Write)) {
            // What was opened, not only what the name showed a moment before.
            if (!isCharacterDevice(sftp.stat(handle))) {
                return new Skipped(sink + " is not a character device");
            }
            try (SftpOutputStreamAsync out = PipelinedWrites.to(sftp, sink, handle, request)) {
                out.transferFrom(zeros, Long.MAX_VALUE);
            }
        }
        return new Sent(zeros.given);
    }

    private Outcome streamed(ClientSession session, SftpClient sftp, OsCommands stream, Zeros zeros,
            BooleanSupplier transferRunning, Consumer<Closeable> opened) throws IOException {
        Optional<String> script = stream.streamedWrite(sink, true);
        if (script.isEmpty()) {
            return new Skipped("the member takes no streamed writes");
        }
        // Its channel permit is the stream's now.
        sftp.close();
        StreamedWrites.Outcome outcome = StreamedWrites.write(session, stream, script.get(), "upload-warm-up", zeros,
                Duration.ofNanos(holdLimitNanos() - timeLimitNanos), opened);
        if (outcome instanceof StreamedWrites.Written written) {
            if (written.confirmed()) {
                // The member's dd took the options: its first large upload need not ask again.
                StreamedWrites.confirmed(session);
            }
            return new Sent(written.bytes());
        }
        if (outcome instanceof StreamedWrites.NotStarted) {
            return new Skipped("the stream did not start");
        }
        // Refused (most likely a dd without these options, BSD's or BusyBox's): that member's
        // uploads go over SFTP, so the SFTP path is the one to warm, after its own checks.
        SftpClient again = SftpClientFactory.instance().createSftpClient(session);
        opened.accept(again);
        try (again) {
            return run(session, again, transferRunning, null, opened);
        }
    }

    /** The file type as the server states it (OpenSSH does; a server that states none gets nothing). */
    private static boolean isCharacterDevice(SftpClient.Attributes attributes) {
        return (attributes.getPermissions() & SftpConstants.S_IFMT) == SftpConstants.S_IFCHR;
    }

    /** Zeros until the budget is given, the time is up or a transfer has started, whichever comes first. */
    private static final class Zeros implements ReadableByteChannel {
        private static final byte[] ZERO = new byte[64 * 1024];
        private final long budget;
        private final long deadline;
        private final LongSupplier nanoTime;
        private final BooleanSupplier transferRunning;
        long given;

        Zeros(long budget, long deadline, LongSupplier nanoTime, BooleanSupplier transferRunning) {
            this.budget = budget;
            this.deadline = deadline;
            this.nanoTime = nanoTime;
            this.transferRunning = transferRunning;
        }

        @Override
        public int read(ByteBuffer into) {
            if (given >= budget || nanoTime.getAsLong() - deadline > 0 || transferRunning.getAsBoolean()) {
                return -1;
            }
            int n = (int) Math.min(into.remaining(), budget - given);
            for (int left = n; left > 0; left -= ZERO.length) {
                into.put(ZERO, 0, Math.min(left, ZERO.length));
            }
            given += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // Nothing held.
        }
    }
}
