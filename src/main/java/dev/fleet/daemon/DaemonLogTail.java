package dev.fleet.daemon;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a daemon that could not start wrote to the daemon log, read by the relay waiting for it: the
 * client is told the reason at once (a data folder whose socket path is too long, say), instead of
 * after the whole wait, with only the log's name.
 */
final class DaemonLogTail {
    /** The line a daemon that cannot start writes (see {@link Daemon#run}). */
    static final String CANNOT_START = "fleet: the daemon cannot start: ";
    /** At most this much of what was appended is read: the line is written first and alone. */
    private static final int MAX_READ = 64 * 1024;

    private final Path log;
    private long from;

    /** Reads only what is appended to {@code log} from now on. */
    DaemonLogTail(Path log) {
        this.log = log;
        this.from = size(log);
    }

    /** The reason a daemon gave for not starting since this tail began, if one did. */
    Optional<String> cannotStart() {
        long size = size(log);
        if (size < from) {
            from = 0; // rotated meanwhile: the new log is all new
        }
        if (size == from) {
            return Optional.empty();
        }
        String appended;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(from, size - MAX_READ);
            f.seek(start);
            byte[] bytes = new byte[(int) (size - start)];
            f.readFully(bytes);
            // Whole lines only: a line still being written is read again next time.
            int end = lastNewline(bytes) + 1;
            from = start + end;
            appended = new String(bytes, 0, end, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        return appended.lines().filter(l -> l.startsWith(CANNOT_START)).reduce((a, b) -> b)
                .map(l -> l.substring(CANNOT_START.length()).strip());
    }

    /**
     * For a daemon the launcher started before this process could watch the log: its reason, when
     * the log was written since {@code since} and ends with one.
     */
    static Optional<String> endsWithCannotStart(Path log, java.time.Instant since) {
        try {
            if (Files.getLastModifiedTime(log).toInstant().isBefore(since)) {
                return Optional.empty();
            }
            long size = Files.size(log);
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                int n = (int) Math.min(MAX_READ, size);
                f.seek(size - n);
                byte[] bytes = new byte[n];
                f.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).reduce((a, b) -> b)
                        .filter(l -> l.startsWith(CANNOT_START)).map(l -> l.substring(CANNOT_START.length()).strip());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long size(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }
}
