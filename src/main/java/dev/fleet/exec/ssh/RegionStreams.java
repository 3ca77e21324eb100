package dev.fleet.exec.ssh;

import dev.fleet.base.Sleeper;
import dev.fleet.os.OsCommands;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.sshd.client.session.ClientSession;

/**
 * One large file to a far member over several streams of its connection, side by side, each
 * writing its own region of the part file ({@link OsCommands#streamedWriteAt}).
 *
 * <p>Why: a channel moves at most one window per round trip, and the member sets that window
 * (OpenSSH: 2 MiB a session channel). One stream to a member 100 ms away moves 20 MiB/s at best
 * however fast both ends are; four move four windows per round trip. A near member gains
 * nothing: there one stream keeps both ends busy, and more would only add processes. So the
 * count follows the connection's measured round trip ({@link LinkWindow}).
 *
 * <p>Every region is a whole number of the member tool's blocks from the file's start, the last
 * one takes the rest; the regions cover the file once, without overlap, and each is sent once: a
 * region whose channel is refused waits for a stream that has one. A region that fails ends the
 * others (their channels are closed), and the first failure is what the caller hears.
 */
final class RegionStreams {
    /** Streams for one file, at most: with the transfer's own SFTP session, five of OpenSSH's ten sessions per connection. */
    static final int MOST = 4;
    /** A region smaller than this is not worth a stream's start (a channel, a process on the member). */
    static final long SMALLEST_REGION = 8L * 1024 * 1024;

    /** On a connection where streams side by side could not all start: how many did (at least 1), the most its files get. */
    private static final ConnectionAnswer<Integer> AT_ONCE = new ConnectionAnswer<>();

    /**
     * A stream's next channel is asked for this many times while it is refused, {@link #REOPEN_PAUSE}
     * apart: right after its last channel closed, a member that allows no more may not have
     * counted that close yet (seen on the in-process server: a region refused at the limit after
     * another's channel had closed, so the whole file went over SFTP).
     */
    private static final int REOPENS = 5;
    private static final Duration REOPEN_PAUSE = Duration.ofMillis(20);

    /** A part of the file: {@code length} bytes from {@code start}. */
    record Region(long start, long length) {
    }

    private RegionStreams() {
    }

    /**
     * How many streams a file of {@code size} bytes should go over to a member whose measured
     * round trip is {@code roundTrip}: as many member windows as the link holds at the rate fleet
     * aims for ({@link LinkWindow#forRoundTrip}), at most {@link #MOST} and no region under
     * {@link #SMALLEST_REGION}; 1 where the round trip is not known yet or the member is near.
     */
    static int count(long size, Optional<Duration> roundTrip) {
        if (roundTrip.isEmpty()) {
            return 1;
        }
        long windows = (LinkWindow.forRoundTrip(roundTrip.get()) + LinkWindow.USUAL - 1) / LinkWindow.USUAL;
        long bySize = size / SMALLEST_REGION;
        return (int) Math.max(1, Math.min(MOST, Math.min(windows, bySize)));
    }

    /**
     * {@link #count(long, Optional)} for a file to {@code session}'s member, by its measured round
     * trip, and no more than the connection's streams that once ran side by side where others
     * could not start ({@link #took}).
     */
    static int count(ClientSession session, long size) {
        int wanted = count(size, LinkWindow.roundTrip(session));
        Integer atOnce = AT_ONCE.known(session);
        return atOnce == null ? wanted : Math.min(wanted, atOnce);
    }

    /**
     * {@code streams} of {@code session}'s ran side by side where more could not start (their
     * channels refused: the member's sshd allows fewer sessions per connection than OpenSSH's ten,
     * or other work of fleet's held them): the connection's later files go over no more. The
     * fewest that ever ran is kept.
     */
    private static void took(ClientSession session, int streams) {
        AT_ONCE.combine(session, Math.max(1, streams), Math::min);
    }

    /** {@code size} bytes in {@code count} regions, each but the last a whole number of {@code block}s, together the whole once. */
    static List<Region> split(long size, int count, long block) {
        if (count < 1) {
            throw new IllegalArgumentException("a file goes in 1 region or more, not " + count);
        }
        long blocks = (size + block - 1) / block;
        long perRegion = Math.max(1, (blocks + count - 1) / count) * block;
        // count regions of perRegion bytes reach past the end, so at most count are made.
        List<Region> regions = new ArrayList<>();
        for (long start = 0; start < size; start += perRegion) {
            regions.add(new Region(start, Math.min(perRegion, size - start)));
        }
        if (regions.isEmpty()) {
            regions.add(new Region(0, 0));
        }
        return regions;
    }

    /**
     * Writes {@code file}'s bytes into {@code part} on the member over {@code count} streams of
     * {@code session} (the caller holds a channel for each), one region of {@link #split} at a
     * time each, the first stream on this thread and the others on threads of their own, and
     * returns once all have ended. {@code progress} hears the total so far.
     *
     * <p>A region whose stream cannot start (its channel refused) goes back to the others: a
     * stream that ends its region takes the next one left, and what is left when all have ended
     * is written here, one region after another. So every region is sent once, however few
     * streams the member takes, and the connection's later files go over no more than it took
     * ({@link #took}).
     *
     * <p>A {@link StreamedWrites.Written} for the whole file where every region was written; else
     * the first region's failure: {@link StreamedWrites.Failed}, its I/O error thrown, or
     * {@link StreamedWrites.NotStarted} where a region could not start even alone (nothing is
     * promised about what the others wrote: the caller writes the whole file another way).
     */
    static StreamedWrites.Outcome write(ClientSession session, int count, OsCommands os, String part, FileChannel file,
            LongConsumer progress, java.util.function.Supplier<String> runIds, Duration exitWait) throws IOException {
        List<Region> regions = split(file.size(), count, OsCommands.STREAMED_WRITE_BLOCK);
        Deque<Region> left = new ConcurrentLinkedDeque<>(regions);
        Ending ending = new Ending();
        SharedProgress shared = new SharedProgress(progress);
        Function<Region, Stream> run = region -> () -> one(session, os, part, file, region, shared, runIds.get(), exitWait, ending);
        AtomicInteger refusedAtOnce = new AtomicInteger();
        Runnable worker = () -> {
            boolean hadChannel = false;
            for (Region r = ending.next(left); r != null; r = ending.next(left)) {
                // A stream's first channel refused: the member takes no more now (or fleet's other
                // work holds them). A later one may be refused only because the member has not yet
                // counted this stream's last channel as closed: asked again a few times.
                if (ending.settle(run.apply(r), hadChannel ? REOPENS : 1) instanceof StreamedWrites.NotStarted) {
                    left.addFirst(r);
                    if (!hadChannel) {
                        refusedAtOnce.incrementAndGet();
                    }
                    return;
                }
                hadChannel = true;
            }
        };
        List<Thread> others = new ArrayList<>();
        for (int i = 1; i < regions.size(); i++) {
            Thread t = new Thread(worker, "fleet-stream-region-" + i);
            t.setDaemon(true);
            others.add(t);
            t.start();
        }
        worker.run();
        for (Thread t : others) {
            try {
                t.join();
            } catch (InterruptedException e) {
                ending.endAll();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the file's streams ran");
            }
        }
        if (refusedAtOnce.get() > 0) {
            took(session, regions.size() - refusedAtOnce.get());
        }
        // Regions given back after every other stream had ended: written one after another.
        for (Region r = ending.next(left); r != null; r = ending.next(left)) {
            if (ending.settle(run.apply(r), REOPENS) instanceof StreamedWrites.NotStarted notStarted) {
                return notStarted;
            }
        }
        return ending.outcome(file.size());
    }

    private interface Stream {
        StreamedWrites.Outcome run() throws IOException;
    }

    private static StreamedWrites.Outcome one(ClientSession session, OsCommands os, String part, FileChannel file, Region r,
            SharedProgress progress, String runId, Duration exitWait, Ending ending) throws IOException {
        String script = os.streamedWriteAt(part, r.start() / OsCommands.STREAMED_WRITE_BLOCK)
                .orElseThrow(() -> new IOException("the member's OS has no streamed write"));
        return StreamedWrites.write(session, os, script, runId, new RegionReader(file, r, progress), exitWait, ending::opened);
    }

    /** The first region that failed, and every open stream, to end the others with. */
    private static final class Ending {
        private final List<Closeable> open = new CopyOnWriteArrayList<>();
        private final AtomicReference<Object> first = new AtomicReference<>();
        private volatile boolean ended;

        void opened(Closeable stream) {
            open.add(stream);
            if (ended) {
                closeQuietly(stream);
            }
        }

        /**
         * Runs one region's stream, up to {@code tries} times while its channel is refused, and
         * returns its outcome (null: it threw). One that started and did not write everything is
         * kept as the first failure (unless one came before) and ends the rest; one that could not
         * start fails nothing, since its region can go another way.
         */
        StreamedWrites.Outcome settle(Stream stream, int tries) {
            Object result;
            for (int tried = 1; ; tried++) {
                try {
                    result = stream.run();
                } catch (IOException | RuntimeException e) {
                    result = e;
                }
                if (!(result instanceof StreamedWrites.NotStarted notStarted)) {
                    break;
                }
                if (tried >= tries || ended || !paused()) {
                    return notStarted;
                }
            }
            if (!(result instanceof StreamedWrites.Written) && first.compareAndSet(null, result)) {
                endAll();
            }
            return result instanceof StreamedWrites.Outcome outcome ? outcome : null;
        }

        /** The next region left to write; null when none is, or a failure has ended the copy. */
        Region next(Deque<Region> left) {
            return ended ? null : left.poll();
        }

        void endAll() {
            ended = true;
            open.forEach(RegionStreams::closeQuietly);
        }

        StreamedWrites.Outcome outcome(long size) throws IOException {
            Object failure = first.get();
            if (failure == null) {
                return new StreamedWrites.Written(size, false);
            }
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            return (StreamedWrites.Outcome) failure;
        }
    }

    /** Waits {@link #REOPEN_PAUSE}; false when interrupted (the interrupt is kept). */
    private static boolean paused() {
        try {
            Sleeper.REAL.sleep(REOPEN_PAUSE);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // Ending a stream that failed or is failing: its own outcome tells.
        }
    }

    /** The progress of all regions as one total, told in order. */
    private static final class SharedProgress {
        private final LongConsumer progress;
        private long total;

        SharedProgress(LongConsumer progress) {
            this.progress = progress;
        }

        synchronized void add(long bytes) {
            total += bytes;
            progress.accept(total);
        }
    }

    /** One region of the local file, read by position (the regions' readers share the file). */
    private static final class RegionReader implements ReadableByteChannel {
        private final FileChannel file;
        private final SharedProgress progress;
        private long at;
        private final long end;

        RegionReader(FileChannel file, Region region, SharedProgress progress) {
            this.file = file;
            this.progress = progress;
            this.at = region.start();
            this.end = region.start() + region.length();
        }

        @Override
        public int read(ByteBuffer into) throws IOException {
            if (at >= end) {
                return -1;
            }
            ByteBuffer part = into;
            if (into.remaining() > end - at) {
                part = into.slice().limit((int) (end - at));
            }
            int n = file.read(part, at);
            if (n < 0) {
                // The file is shorter than it was: the bytes of the region are not all there.
                throw new IOException("the file got shorter while it was sent");
            }
            if (part != into) {
                into.position(into.position() + n);
            }
            at += n;
            progress.add(n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() {
            // The file is the caller's.
        }
    }
}
