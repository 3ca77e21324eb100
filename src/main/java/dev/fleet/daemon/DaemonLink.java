package dev.fleet.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One connection to the daemon's socket: handshake lines first, then MCP lines both ways. */
final class DaemonLink implements AutoCloseable {
    private final SocketChannel ch;
    private final InputStream in;
    private final OutputStream out;
    private final CountDownLatch closed = new CountDownLatch(1);
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    private DaemonLink(SocketChannel ch) {
        this.ch = ch;
        this.in = ChannelStreams.in(ch);
        this.out = ChannelStreams.out(ch);
    }

    /** Connects, or returns null when no daemon answers on this socket (none, or a stale file). */
    static DaemonLink connect(Path socket) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            String peer = SocketSafety.peerProblem(ch);
            if (peer != null) {
                ch.close();
                throw new IllegalStateException("refusing the daemon socket " + socket + ": " + peer);
            }
            return new DaemonLink(ch);
        } catch (IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    /** Sends a handshake line and reads the answer, giving up (and closing) after {@code limit}. */
    String ask(String line, Duration limit) throws IOException {
        RelayProtocol.writeLine(out, line);
        return within(limit, () -> {
            try {
                return RelayProtocol.readLine(in);
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Runs a blocking read, closing the connection if it takes longer than {@code limit}. */
    <T> T within(Duration limit, Supplier<T> read) {
        CountDownLatch done = new CountDownLatch(1);
        Thread watchdog = new Thread(() -> {
            try {
                if (!done.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    close();
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "fleet-relay-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            return read.get();
        } finally {
            done.countDown();
        }
    }

    void send(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes);
        }
    }

    /**
     * The next MCP line from the daemon, without its newline, as the bytes that came: the relay
     * passes them on undecoded (a tools/list answer is 40 KB, and decoding and encoding it again in
     * a JVM that has just started cost milliseconds). Null when the daemon closed the connection.
     */
    byte[] readLine() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    byte[] line = Arrays.copyOfRange(buffer, start, i);
                    start = i + 1;
                    return line;
                }
            }
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            scanned = end;
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                byte[] rest = end > start ? Arrays.copyOfRange(buffer, start, end) : null;
                start = end;
                return rest;
            }
            end += n;
        }
    }

    /** Tells the daemon no more requests come; it answers what it has, then closes. */
    void finishWriting() {
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            close();
        }
    }

    void markClosed() {
        closed.countDown();
    }

    boolean awaitClosed(Duration limit) throws InterruptedException {
        return closed.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closeQuietly(ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
