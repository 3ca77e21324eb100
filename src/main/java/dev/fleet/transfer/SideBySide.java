package dev.fleet.transfer;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.MemberChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the files of one transfer over several file sessions at once when there are many:
 * a small file costs round trips (open, write, close, set its time, check its path), not bytes, so
 * four sessions side by side move a folder of small files about four times as fast. Each session
 * is used by one thread only. With few files, or when no further session opens, the given session
 * does all the work.
 */
final class SideBySide {
    private static final Logger log = LoggerFactory.getLogger(SideBySide.class);
    /** Sessions at most (each is one channel of the member's connection, which allows eight). */
    static final int MAX_SESSIONS = 4;
    /** Files per extra session: fewer files than this use one session. */
    static final int FILES_PER_SESSION = 16;
    /** How long an interrupted transfer waits for a worker to finish its current file before closing its session. */
    private static final long SESSION_CLOSE_WAIT_MS = 5_000;

    /** The work for file {@code index}, over {@code session}; it records its own outcome. */
    @FunctionalInterface
    interface Work {
        void run(FileSession session, int index);
    }

    private SideBySide() {
    }

    static void run(FileSession first, MemberChannel channel, int count, Work work) {
        int wanted = Math.min(MAX_SESSIONS, Math.max(1, count / FILES_PER_SESSION));
        List<FileSession> extra = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 1; i < wanted; i++) {
                try {
                    extra.add(channel.files());
                } catch (ChannelException | RuntimeException e) {
                    log.debug("transfer continues over {} session(s): {}", i, e.getMessage());
                    break;
                }
            }
            AtomicInteger next = new AtomicInteger();
            Runnable firstWorker = () -> drain(first, next, count, work);
            for (FileSession s : extra) {
                Thread t = new Thread(() -> drain(s, next, count, work), "fleet-transfer");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            firstWorker.run();
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            // The workers stop at their next file; their sessions are closed only once they have.
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                try {
                    t.join(SESSION_CLOSE_WAIT_MS);
                } catch (InterruptedException again) {
                    break;
                }
            }
            Thread.currentThread().interrupt();
        } finally {
            for (FileSession s : extra) {
                try {
                    s.close();
                } catch (IOException e) {
                    // Its files are done; the channel goes back to the pool either way.
                }
            }
        }
    }

    private static void drain(FileSession session, AtomicInteger next, int count, Work work) {
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            work.run(session, i);
        }
    }
}
