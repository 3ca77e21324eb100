package dev.fleet.daemon;

import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One daemon per data dir: the running daemon holds an OS lock on this file (released by the OS
 * if the daemon dies, so a crash never leaves it stuck), and writes its pid and options into it.
 */
final class DaemonLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, waiting up to {@code wait} for a daemon that is exiting; null if another daemon keeps it. */
    static DaemonLock acquire(Path file, Duration wait) throws IOException, InterruptedException {
        FileChannel ch = SecureFiles.openLockFile(file);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l != null) {
                return new DaemonLock(ch, l);
            }
            if (System.nanoTime() >= deadline) {
                ch.close();
                return null;
            }
            Thread.sleep(100);
        }
    }

    /** Records who holds the lock: {@code pid N}, {@code build B}, then one {@code option X} line per argument. */
    void record(long pid, String build, List<String> options) throws IOException {
        StringBuilder text = new StringBuilder("pid " + pid + "\nbuild " + build + "\n");
        for (String o : options) {
            text.append("option ").append(o).append('\n');
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
    }

    /**
     * Adds {@code stopped} to the record: the daemon ended in order (a stop, its idle exit, a
     * signal, a failed start). A record without it, and no daemon holding the lock, is one of a
     * daemon that was killed or crashed.
     */
    void markStopped() throws IOException {
        channel.write(ByteBuffer.wrap(STOPPED_LINE.getBytes(StandardCharsets.UTF_8)), channel.size());
        channel.force(true);
    }

    private static final String STOPPED_LINE = "stopped\n";

    /** What the last daemon recorded; empty values when there is no lock file. */
    static Recorded read(Path file) throws IOException {
        long pid = -1;
        List<String> options = new ArrayList<>();
        boolean stopped = false;
        List<String> lines;
        if (Files.isSymbolicLink(file)) {
            // Not a record of fleet's (it makes none as a link): no options are taken from what it leads to.
            return new Recorded(-1, List.of(), true);
        }
        try {
            lines = new String(SecureFiles.readOwn(file), StandardCharsets.UTF_8).lines().toList();
        } catch (NoSuchFileException e) {
            return new Recorded(-1, List.of(), true);
        }
        for (String line : lines) {
            if (line.equals("stopped")) {
                stopped = true;
            }
            if (line.startsWith("pid ")) {
                try {
                    pid = Long.parseLong(line.substring(4).strip());
                } catch (NumberFormatException ignored) {
                    // a damaged record: no pid
                }
            } else if (line.startsWith("option ")) {
                options.add(line.substring(7));
            }
        }
        return new Recorded(pid, List.copyOf(options), stopped);
    }

    /**
     * @param stopped whether that daemon ended in order; false while it runs, and for good if it
     *                was killed or crashed
     */
    record Recorded(long pid, List<String> options, boolean stopped) {
    }

    @Override
    public void close() throws IOException {
        if (lock.isValid()) {
            lock.release();
        }
        channel.close();
    }
}
