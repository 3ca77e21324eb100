package dev.fleet.exec.ssh;

import dev.fleet.base.Failures;
import dev.fleet.os.OsCommands;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Bytes into a member file as one plain stream: the member's own copy tool
 * ({@link OsCommands#streamedWrite}) reads them from an exec channel, where SFTP wraps every
 * 255 KiB in a write request and answers each one.
 *
 * <p>Why: on a fresh JVM the JIT compiles whatever code a transfer runs while the transfer runs,
 * on the same cores. A stream runs far less of it (no request building, no reply handling, one
 * copy of every byte fewer), so the first large upload after a server starts goes at about 1.4
 * times its speed over SFTP, and warm uploads gain too (bench S3 and S4, docs/decisions.md
 * "Large uploads are streamed").
 *
 * <p>Only what the member's tool can promise is used: the file must already exist (the caller
 * creates it over SFTP, exclusively, so a link planted under its name is never written through),
 * and the tool neither creates, truncates nor follows a link at that name. Whether the tool takes
 * those options is asked once per connection ({@link #works}); where it does not, uploads stay
 * on SFTP.
 */
final class StreamedWrites {
    /** Smaller files go over SFTP: a stream costs a channel and a process on the member, which only pays for itself on large ones. */
    static final long SMALLEST_FILE = 4L * 1024 * 1024;
    /**
     * Bytes read from the file and handed to the channel at once. 1 MiB went no faster on a cold
     * JVM (bench S3, interleaved: 241-246 against 236-242 MiB/s) and held about 2 MB more memory
     * right after the transfer.
     */
    private static final int CHUNK = 256 * 1024;
    /** Enough of the tool's complaint for its first line. */
    private static final int STDERR_KEPT = 4096;
    /** Enough for the marker a device-only write prints. */
    private static final int STDOUT_KEPT = 256;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    /** After a failed write, the moment the channel has to show the tool's exit status. */
    private static final Duration EXIT_AFTER_CUT = Duration.ofSeconds(5);
    /** After the exit status, the moment the last of stderr has to arrive. */
    private static final Duration CLOSE_AFTER_EXIT = Duration.ofSeconds(2);

    private static final ConnectionAnswer<Boolean> WORKS = new ConnectionAnswer<>();

    /** What a stream came to. */
    sealed interface Outcome permits NotStarted, Written, Failed {
    }

    /** Nothing was sent: the channel could not be opened. The caller may copy another way. */
    record NotStarted(String reason) implements Outcome {
    }

    /**
     * The tool took every byte and exited 0; {@code confirmed}: it also printed
     * {@link OsCommands#STREAMED_WRITE_OK} (a device-only write does), which proves its options work.
     */
    record Written(long bytes, boolean confirmed) implements Outcome {
    }

    /** The tool failed after it started: its exit status and the first line it wrote to stderr (member text). */
    record Failed(int exit, String said) implements Outcome {
    }

    private StreamedWrites() {
    }

    /**
     * Whether {@code session}'s member takes streamed writes: {@code ask} (the member's answer to
     * {@link OsCommands#streamedWriteCheck}) is put once per connection, and the answer kept with
     * it. Anything but the expected answer means no: the caller copies over SFTP. No answer at all
     * (the question could not be put, or timed out) is no for this copy only and is not kept: the
     * next large upload on the connection asks again, so a passing failure does not leave a
     * connection without streams for its whole life.
     */
    static boolean works(ClientSession session, Function<ClientSession, Optional<Boolean>> ask) {
        return WORKS.get(session, ask).orElse(false);
    }

    /** What {@link #works} found or was told for {@code session}'s connection; null: not known yet (tests). */
    static Boolean known(ClientSession session) {
        return WORKS.known(session);
    }

    /** A confirmed write ({@link Written#confirmed}) answers {@link #works} for the connection without asking. */
    static void confirmed(ClientSession session) {
        WORKS.keep(session, true);
    }

    /**
     * Runs {@code script} (an {@link OsCommands#streamedWrite}) on an exec channel of
     * {@code session}, tagged {@code runId}, and writes everything {@code source} gives into its
     * stdin, then waits up to {@code exitWait} for it to exit. A failure of {@code source} is
     * thrown as it is; a connection lost midway is thrown as the I/O error it caused.
     */
    static Outcome write(ClientSession session, OsCommands os, String script, String runId, ReadableByteChannel source,
            Duration exitWait) throws IOException {
        return write(session, os, script, runId, source, exitWait, open -> { });
    }

    /**
     * The same, handing {@code opened} a way to end the stream first (a watchdog may end it, from
     * any thread): it stops the writes ({@link ChannelEnds#stop}), and this method then ends the
     * tool's input and the channel, so the tool exits on the member.
     */
    static Outcome write(ClientSession session, OsCommands os, String script, String runId, ReadableByteChannel source,
            Duration exitWait, Consumer<Closeable> opened) throws IOException {
        Kept err = new Kept(STDERR_KEPT);
        Kept out = new Kept(STDOUT_KEPT);
        ChannelExec channel;
        try {
            channel = OrderlyExec.on(session, os.remoteCommand(script, null, runId));
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(OPEN_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            return new NotStarted(Failures.shown(e));
        }
        ChannelExec stream = channel;
        opened.accept(() -> ChannelEnds.stop(stream));
        try {
            long sent = 0;
            IOException cut = null;
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            try (OutputStream in = channel.getInvertedIn()) {
                for (boolean end = false; !end; ) {
                    chunk.clear();
                    try {
                        end = fill(chunk, source);
                    } catch (IOException e) {
                        // This machine's file failed, not the member: told as it is, not as the tool's failure.
                        throw new SourceFailed(e);
                    }
                    try {
                        // A chunk at a time, and only once the connection has sent what waited (GatheredWrites).
                        GatheredWrites.awaitRoom(session.getIoSession());
                        in.write(chunk.array(), 0, chunk.position());
                    } catch (IOException e) {
                        // The tool may have ended (a full disk): its exit status tells, below.
                        cut = e;
                        break;
                    }
                    sent += chunk.position();
                }
            } catch (IOException e) {
                // Closing stdin (the end of the stream) failed: the same as a failed write.
                cut = cut != null ? cut : e;
            }
            if (cut != null && !channel.getRemoteWindow().isOpen()) {
                // Stopped (ChannelEnds.stop), or closed by the member: this thread writes no
                // more, so the close goes now and the member ends the tool.
                ChannelEnds.end(channel);
            }
            channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED),
                    cut == null ? exitWait : EXIT_AFTER_CUT);
            Integer exit = channel.getExitStatus();
            if (exit == null) {
                if (cut != null) {
                    throw cut;
                }
                throw new IOException("the member's copy did not finish within " + exitWait.toSeconds() + " s of the last byte");
            }
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), CLOSE_AFTER_EXIT);
            if (exit == 0 && cut == null) {
                return new Written(sent, out.text().strip().equals(OsCommands.STREAMED_WRITE_OK));
            }
            return new Failed(exit, err.firstLine());
        } catch (SourceFailed e) {
            throw e.getCause();
        } finally {
            // Ends the tool where it still runs; the caller removes whatever it wrote.
            ChannelEnds.end(channel);
        }
    }

    /** A read of the source that failed, carried past the stream's own handling of write failures. */
    private static final class SourceFailed extends RuntimeException {
        SourceFailed(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Reads from {@code source} until {@code chunk} is full or the source ends; returns whether it ended. */
    private static boolean fill(ByteBuffer chunk, ReadableByteChannel source) throws IOException {
        while (chunk.hasRemaining()) {
            if (source.read(chunk) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The first bytes a member wrote, up to a bound; the rest is dropped. */
    private static final class Kept extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;

        Kept(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < limit) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = Math.max(0, limit - bytes.size());
            bytes.write(b, off, Math.min(room, len));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** The first line that says anything, cut to a sentence's length; empty when nothing was said. */
        String firstLine() {
            return text().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                    .map(l -> l.length() > 300 ? l.substring(0, 300) + "…" : l).orElse("");
        }
    }
}
