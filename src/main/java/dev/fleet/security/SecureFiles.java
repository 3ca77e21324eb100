package dev.fleet.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** File helpers for data that must stay private to the user: folders 0700, files 0600. */
public final class SecureFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    public static void createPrivateDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, DIR_0700);
        }
    }

    /** Creates (or truncates) a file with mode 0600 from the first byte, then writes and fsyncs it. */
    public static void writePrivate(Path file, byte[] content) throws IOException {
        writePrivate(file, content, true);
    }

    /** Like {@link #writePrivate(Path, byte[])}; {@code durable} false skips the fsync (for files that only show a state). */
    public static void writePrivate(Path file, byte[] content, boolean durable) throws IOException {
        try (FileChannel ch = openPrivate(file)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (durable) {
                ch.force(true);
            }
        }
    }

    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** The middle of a temporary's name: the writer's process id, a dash, the call's number. */
    private static final java.util.regex.Pattern WRITER_NUMBERS = java.util.regex.Pattern.compile("[0-9]+-[0-9]+");

    /**
     * Whether {@code candidate} has the name {@link #replacePrivate} gives its temporary files for
     * {@code file}: the file's name, a dot, the writer's numbers, ".tmp". A plain name test (its one
     * pattern compiled once): a store that cleans up after a killed writer asks it on every write.
     */
    public static boolean isTemporaryOf(Path file, Path candidate) {
        String prefix = file.getFileName() + ".";
        String name = candidate.getFileName().toString();
        if (name.length() <= prefix.length() + TEMPORARY_SUFFIX.length() || !name.startsWith(prefix)
                || !name.endsWith(TEMPORARY_SUFFIX)) {
            return false;
        }
        // The writer's numbers as replacePrivate writes them: process id, a dash, the call's number.
        return WRITER_NUMBERS.matcher(name.substring(prefix.length(), name.length() - TEMPORARY_SUFFIX.length())).matches();
    }

    /** Numbers the temporary files of {@link #replacePrivate} apart between threads of one process. */
    private static final java.util.concurrent.atomic.AtomicLong REPLACEMENTS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Replaces {@code file} with {@code content} (mode 0600) in one step: written to a new file
     * beside it, named for this process and call, then renamed over it. A reader sees the old file
     * or the new one, never half of one; a link at the file's name is replaced, never written
     * through; a failed write leaves the old file and no temporary one. {@code durable} as for
     * {@link #writePrivate(Path, byte[], boolean)}.
     */
    public static void replacePrivate(Path file, byte[] content, boolean durable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + REPLACEMENTS.incrementAndGet() + TEMPORARY_SUFFIX);
        try {
            writePrivate(tmp, content, durable);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates a new empty file, mode 0600 from the start; fails if anything (a file, a link) is
     * already under that name, so nothing is ever written through.
     */
    public static Path createPrivateNew(Path file) throws IOException {
        return POSIX ? Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_0600)) : Files.createFile(file);
    }

    public static FileChannel openPrivate(Path file) throws IOException {
        var options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        FileChannel ch = POSIX
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE_0600))
                : FileChannel.open(file, options);
        if (POSIX) {
            // The attribute applies only when the file is new; an existing file is tightened too.
            Files.setPosixFilePermissions(file, FILE_0600);
        }
        return ch;
    }

    /** Opens (creating with mode 0600 if needed) a file for locking; its content is left alone. */
    /**
     * Opens a file to add to its end, creating it 0600 when missing, in one step: a file another
     * process created meanwhile is appended to, never truncated (as {@link #openPrivate} would).
     */
    public static FileChannel openPrivateAppend(Path file) throws IOException {
        var options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return POSIX
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE_0600))
                : FileChannel.open(file, options);
    }

    public static FileChannel openLockFile(Path file) throws IOException {
        var options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return POSIX
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE_0600))
                : FileChannel.open(file, options);
    }

    public static void restrictToOwner(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, Files.isDirectory(file) ? DIR_0700 : FILE_0600);
        }
    }
}
