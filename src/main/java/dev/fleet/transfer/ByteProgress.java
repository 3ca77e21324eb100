package dev.fleet.transfer;

import dev.fleet.base.Progress;
import java.util.function.LongConsumer;

/**
 * Progress of a transfer in bytes across all its files, reported at most every 1% (and at each
 * file's end) so a large transfer sends a hundred notifications, not a million. Files may move
 * side by side: each file's consumer adds what it moved since its last report.
 */
final class ByteProgress {
    private final Progress call;
    private final long total;
    private final String verb;
    private long done;
    private long lastReported = -1;

    ByteProgress(Progress call, long total, String verb) {
        this.call = call;
        this.total = Math.max(total, 1);
        this.verb = verb;
    }

    /** One file's bytes; {@link File#done} accounts for what its reports did not cover. */
    File file(String name) {
        return new File(name);
    }

    final class File implements LongConsumer {
        private final String name;
        private long seen;

        private File(String name) {
            this.name = name;
        }

        @Override
        public void accept(long doneInFile) {
            add(doneInFile - seen, name);
            seen = doneInFile;
        }

        void done(long size) {
            add(size - seen, name);
            seen = size;
        }
    }

    private synchronized void add(long delta, String name) {
        done += delta;
        if (lastReported < 0 || done - lastReported >= total / 100 || done >= total) {
            lastReported = done;
            call.report(done, (double) total, verb + " " + name);
        }
    }
}
