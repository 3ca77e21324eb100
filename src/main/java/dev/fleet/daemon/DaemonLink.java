package dev.fleet.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One connection to the daemon's socket: handshake lines first, then MCP lines both ways. */
final class DaemonLink implements AutoCloseable {
    private final SocketChannel ch;
    private final InputStream in;
    private final OutputStream out;
    private final CountDownLatch closed = new CountDownLatch(1);
    private BufferedReader lines;

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

    /** The next MCP line from the daemon; null when it closed the connection. */
    String readLine() throws IOException {
        if (lines == null) {
            lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return lines.readLine();
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
