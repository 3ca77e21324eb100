package dev.fleet.exec.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import org.apache.sshd.common.random.AbstractRandom;

/**
 * The SSH client's source of random bytes (packet padding, key exchange cookies): the operating
 * system's random device read {@link #BATCH_BYTES} at a time, the bytes handed out in order, each
 * once. Where the device cannot be read (Windows, say), the JDK's {@link SecureRandom} fills the
 * batches instead.
 *
 * <p>Why: MINA asks for a few bytes of padding for every packet, 8,192 times per 256 MiB upload,
 * and its default source asks the JDK's generator each time, which on Linux mixes SHA-1 output
 * with a read of {@code /dev/urandom} per request: about 4 % of a warm upload's sending thread,
 * and on a fresh server a fifth of what the JIT compiles during the first large upload (bench
 * S3). A batch from the kernel's generator costs one read per 250 or so packets and runs no Java
 * code that the upload path does not run anyway.
 *
 * <p>The kernel's generator is the one OpenSSH's own padding comes from; the bytes only wait in
 * this process's memory a little longer, next to the session keys, which matter far more. No byte
 * is handed out twice.
 */
final class BatchedRandom extends AbstractRandom {
    static final String NAME = "fleet-batched";
    /** One batch serves about 250 packets' padding (4-19 bytes each with AES-GCM). */
    static final int BATCH_BYTES = 4096;
    /** The kernel's generator on Linux, the BSDs and macOS: never blocks once the system has booted. */
    static final Path DEVICE = Path.of("/dev/urandom");

    private final Path device;
    private final SecureRandom fallback;
    private final byte[] batch;
    /** Where the next unused byte of {@link #batch} is; {@code batch.length}: none left. */
    private int next;
    /** Open on {@link #device} once the first batch is read from it; null before, and for good once it failed or was closed. */
    private FileChannel open;
    /** The device failed or was let go: the JDK's generator fills the batches from now on. */
    private boolean deviceFailed;

    BatchedRandom(Path device, SecureRandom fallback, int batchBytes) {
        if (batchBytes < 1) {
            throw new IllegalArgumentException("batchBytes must be at least 1, was " + batchBytes);
        }
        this.device = device;
        this.fallback = fallback;
        this.batch = new byte[batchBytes];
        this.next = batchBytes;
    }

    static BatchedRandom usual() {
        return new BatchedRandom(DEVICE, new SecureRandom(), BATCH_BYTES);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public synchronized void fill(byte[] bytes, int start, int len) {
        int at = start;
        int left = len;
        while (left > 0) {
            if (next == batch.length) {
                refill();
                next = 0;
            }
            int n = Math.min(left, batch.length - next);
            System.arraycopy(batch, next, bytes, at, n);
            next += n;
            at += n;
            left -= n;
        }
    }

    /** Rare in a session's life (MINA asks it only for the lengths of its ignore messages): straight from the JDK's generator. */
    @Override
    public synchronized int random(int bound) {
        return fallback.nextInt(bound);
    }

    /**
     * Lets the device go (the pool closes it with its client). A session still asking afterwards
     * gets the JDK's generator's bytes.
     */
    synchronized void close() {
        deviceFailed = true;
        closeQuietly();
    }

    /** Whether the batches come from the device (tests); false before the first batch, after a failure and once closed. */
    synchronized boolean fromDevice() {
        return open != null;
    }

    private void refill() {
        if (!deviceFailed) {
            try {
                if (open == null) {
                    open = FileChannel.open(device, StandardOpenOption.READ);
                }
                ByteBuffer into = ByteBuffer.wrap(batch);
                while (into.hasRemaining()) {
                    if (open.read(into) < 0) {
                        throw new IOException("the random device ended");
                    }
                }
                return;
            } catch (IOException | RuntimeException e) {
                // Not a device that gives random bytes here: the JDK's generator from now on.
                deviceFailed = true;
                closeQuietly();
            }
        }
        fallback.nextBytes(batch);
    }

    private void closeQuietly() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // Nothing was written to it; it is dropped either way.
            }
            open = null;
        }
    }
}
