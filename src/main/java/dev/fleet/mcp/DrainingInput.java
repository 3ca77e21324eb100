package dev.fleet.mcp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * stdin that holds back end-of-file until the requests already read have been answered.
 *
 * <p>The SDK's stdio transport closes the session as soon as stdin ends, dropping answers still
 * being computed. A script that pipes a few requests into {@code fleet serve} would lose them.
 * This stream reports end-of-file only once no tool call is in flight (bounded, so a hung call
 * cannot keep an abandoned server alive) and after a short grace for requests that are not tool
 * calls, such as {@code tools/list}.
 */
final class DrainingInput extends FilterInputStream {
    private static final long GRACE_MS = 300;
    private static final long MAX_WAIT_MS = 60_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;

    DrainingInput(InputStream in) {
        super(in);
    }

    void started() {
        lock.lock();
        try {
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    void finished() {
        lock.lock();
        try {
            inFlight--;
            completed++;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private int completedAtIdle = -1;
    private int completed;

    /** Waits until no call is in flight; false when the deadline passed first. */
    private boolean awaitIdle(long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** True when calls finished since the last look, so their answers may still be on the way. */
    private boolean busySinceGrace() {
        lock.lock();
        try {
            boolean moved = completed != completedAtIdle;
            completedAtIdle = completed;
            return moved;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        return b == -1 ? endOfInput() : b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        return n == -1 ? endOfInput() : n;
    }

    private int endOfInput() {
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
            // A handler that just returned still has its answer to write: wait out a grace after idle.
            do {
                Thread.sleep(GRACE_MS);
            } while (awaitIdle(deadline) && System.nanoTime() < deadline && busySinceGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }
}
