package dev.fleet.transfer;

import dev.fleet.base.Progress;
import java.util.function.LongConsumer;

/**
 * Progress of a transfer in bytes across all its files, reported at most every 1% (and at each
 * file's end) so a large transfer sends a hundred notifications, not a million.
 */
final class ByteProgress {
    private final Progress call;
    private final long total;
    private final String verb;
    private long base;
    private long lastReported = -1;

    ByteProgress(Progress call, long total, String verb) {
        this.call = call;
        this.total = Math.max(total, 1);
        this.verb = verb;
    }

    LongConsumer file(String name) {
        long start = base;
        return doneInFile -> report(start + doneInFile, name);
    }

    void fileDone(long size, String name) {
        base += size;
        report(base, name);
    }

    private void report(long done, String name) {
        if (lastReported < 0 || done - lastReported >= total / 100 || done >= total) {
            lastReported = done;
            call.report(done, (double) total, verb + " " + name);
        }
    }
}
