package dev.fleet.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on 127.0.0.1 that holds every chunk it reads for a fixed time before passing it
 * on, each way: a link with a round trip of twice that, for the figures where a member far away
 * differs from one on loopback (how many times a call waits for an answer, how much a channel's
 * window lets through), in the benchmark (S7) and the tests. This host has no {@code netem}.
 * Bytes keep their order. It copies every chunk once more and hands it between two threads: tens
 * of MiB/s, not loopback's hundreds. Closed with everything it opened.
 */
public final class DelayedLink implements AutoCloseable {
    /** Chunks held at once, each way: bounds the memory a fast sender can fill (a read blocks when it is full). */
    private static final int HELD = 4096;
    private static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final ServerSocket listener;
    private final int targetPort;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong towardTarget = new AtomicLong();
    private volatile boolean closed;

    private record Held(long due, byte[] bytes) {
    }

    /** Forwards to {@code targetPort} on 127.0.0.1, {@code oneWayMs} each way. */
    public DelayedLink(int targetPort, long oneWayMs) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayMs);
        daemon("delayed-link-accept", this::accept).start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = listener.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                for (Socket s : List.of(in, out)) {
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                }
                pipe(in, out, towardTarget);
                pipe(out, in, new AtomicLong());
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("delayed link: accepting failed: " + e);
                }
                return;
            }
        }
    }

    /** Bytes passed on toward the target so far, over all connections: what a client sent. */
    public long bytesTowardTarget() {
        return towardTarget.get();
    }

    /** One direction: a reader that stamps each chunk, a writer that passes it on when due and counts it into {@code passed}. */
    private void pipe(Socket from, Socket to, AtomicLong passed) {
        BlockingQueue<Held> queue = new ArrayBlockingQueue<>(HELD);
        daemon("delayed-link-read", () -> {
            try (InputStream in = from.getInputStream()) {
                byte[] buf = new byte[CHUNK];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    queue.put(new Held(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended; the writer is told below
            }
            try {
                queue.put(new Held(System.nanoTime() + delayNanos, END));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).start();
        daemon("delayed-link-write", () -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Held h = queue.take();
                    long wait = h.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (h.bytes() == END) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(h.bytes());
                    passed.addAndGet(h.bytes().length);
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
        }).start();
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
