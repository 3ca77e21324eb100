package dev.fleet.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches where a secret must never show while a test runs: every process command line on this
 * machine (sampled continuously; local and in-process SSH members run here) and everything
 * logged to stderr (this JVM's logs; the stream is copied, not taken away).
 */
public final class SecretWatch implements AutoCloseable {
    private final Set<String> commandLines = ConcurrentHashMap.newKeySet();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream originalErr = System.err;
    private final Thread sampler;
    private volatile boolean running = true;

    public SecretWatch() {
        System.setErr(new PrintStream(new Tee(originalErr, logged), true, StandardCharsets.UTF_8));
        sampler = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (running && System.nanoTime() < deadline) {
                ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(commandLines::add));
                java.util.concurrent.locks.LockSupport.parkNanos(500_000);
            }
        }, "secret-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Every distinct command line seen so far. */
    public Set<String> commandLines() {
        return commandLines;
    }

    public String logs() {
        synchronized (logged) {
            return logged.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(10_000);
        System.setErr(originalErr);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
        }
    }
}
