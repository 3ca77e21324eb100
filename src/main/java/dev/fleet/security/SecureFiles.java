package dev.fleet.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** File helpers for data that must stay private to the user: folders 0700, files 0600. */
public final class SecureFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /**
     * Creates {@code dir} and every missing folder on the way to it owner-only (0700), each from
     * its creation: a data dir made by fleet's first command is private all the way down, not only
     * its last folder. Folders that already existed on the way are left as they are (they may be
     * the user's own); the last one is tightened to 0700, but never through a link: a link there
     * is left alone (the user may keep the data dir elsewhere), and nothing it leads to is chmod'ed.
     */
    public static void createPrivateDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                if (POSIX) {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR_0700));
                    // The mode given at creation is narrowed by the umask only; set it exactly.
                    Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setPermissions(DIR_0700);
                } else {
                    Files.createDirectory(p);
                }
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile by another process: it is theirs to have made, and left as it is
                if (!Files.isDirectory(p)) {
                    throw raced;
                }
            }
        }
        if (POSIX && !Files.isSymbolicLink(absolute)) {
            // Through an open of the folder itself (O_NOFOLLOW, fchmod): a link put there
            // meanwhile fails this, rather than having its target's mode changed.
            Files.getFileAttributeView(absolute, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(DIR_0700);
        }
    }

    /**
     * As {@link #createPrivateDirectories}, for a folder whose files fleet trusts as its own (its
     * data dir: the daemon's lock and options, the HTTP token, the registry). A folder that is
     * already there must be the user's own and writable by nobody else, as OpenSSH asks of
     * {@code ~/.ssh}: what another user could have put in it is refused, not tightened and then
     * trusted. A link there is judged by the folder it leads to (the user may keep the data dir
     * elsewhere).
     *
     * @throws SharedFolder when another user owns the folder or can write to it
     */
    public static void createTrustedDirectories(Path dir) throws IOException {
        requireUnshared(dir);
        createPrivateDirectories(dir);
    }

    /**
     * Refuses an existing folder that another user owns or can write to (group or others write
     * bit); a folder that is not there yet, or a file system without POSIX modes, passes.
     */
    public static void requireUnshared(Path dir) throws IOException {
        if (!POSIX || !Files.isDirectory(dir)) {
            return;
        }
        java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(dir,
                java.nio.file.attribute.PosixFileAttributes.class);
        if (!CurrentUser.owns(dir, attributes)) {
            throw new SharedFolder(dir, "it belongs to another user (" + attributes.owner().getName()
                    + "); fleet keeps its files only in a folder of yours");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new SharedFolder(dir, "other users can write to it (mode " + PosixFilePermissions.toString(mode)
                    + "), so files in it may not be fleet's; check what is in it, then chmod 700 " + dir);
        }
    }

    /** A folder fleet would trust the files of is open to another user; the reason says how. */
    public static final class SharedFolder extends java.nio.file.FileSystemException {
        SharedFolder(Path dir, String reason) {
            super(dir.toString(), null, reason);
        }
    }

    /** Who this process runs as, to compare with a folder's owner. */
    private static final class CurrentUser {
        /**
         * The process's user id as the OS gives it: the owner of {@code /proc/self} (Linux). Null
         * where the JDK has no "unix" attribute view or there is no {@code /proc} (macOS), and
         * {@link #owns} then compares account names instead.
         */
        private static final Integer UID = readUid();

        private static Integer readUid() {
            Path self = Path.of("/proc/self");
            if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix") || !Files.isDirectory(self)) {
                return null;
            }
            try {
                return (Integer) Files.getAttribute(self, "unix:uid");
            } catch (IOException unreadable) {
                return null; // a /proc mounted without access to it: names decide, as without one
            }
        }

        static boolean owns(Path dir, java.nio.file.attribute.PosixFileAttributes attributes) throws IOException {
            if (UID != null) {
                return UID.equals(Files.getAttribute(dir, "unix:uid"));
            }
            // Without /proc (macOS), by name: every account there has one.
            return attributes.owner().getName().equals(System.getProperty("user.name"));
        }
    }

    /**
     * Writes {@code file} anew with {@code content}, mode 0600, and fsyncs it: as
     * {@link #replacePrivate}, so whatever was under the name (a link included) is replaced,
     * never written through.
     */
    public static void writePrivate(Path file, byte[] content) throws IOException {
        replacePrivate(file, content, true);
    }

    /** Writes and fsyncs a file that must not exist yet (created exclusively, 0600, never through a link). */
    public static void writeNew(Path file, byte[] content) throws IOException {
        writeNew(file, content, true);
    }

    private static void writeNew(Path file, byte[] content, boolean durable) throws IOException {
        var options = Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try (FileChannel ch = POSIX
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE_0600))
                : FileChannel.open(file, options)) {
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
     * through; a failed write leaves the old file and no temporary one. {@code durable} false skips
     * the fsync (for files that only show a state).
     */
    public static void replacePrivate(Path file, byte[] content, boolean durable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + REPLACEMENTS.incrementAndGet() + TEMPORARY_SUFFIX);
        try {
            writeNew(tmp, content, durable);
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

    /**
     * Opens one of fleet's own files to add to its end, creating it 0600 when missing, in one
     * step: a file another process created meanwhile is appended to, never truncated. Never
     * through a link: see {@link #openOwn}.
     */
    public static FileChannel openPrivateAppend(Path file) throws IOException {
        return openOwn(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Opens (creating with mode 0600 if needed) one of fleet's files for locking; its content is left alone. */
    public static FileChannel openLockFile(Path file) throws IOException {
        return openOwn(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /**
     * Opens a file of fleet's own folder, never through a link: a link found under its name was put
     * there by someone else (fleet makes none), so it is removed, and the open then refuses to
     * follow one put back meanwhile (O_NOFOLLOW), failing with a message naming the file.
     */
    private static FileChannel openOwn(Path file, StandardOpenOption... how) throws IOException {
        removeLink(file);
        Set<OpenOption> options = new java.util.HashSet<>(java.util.List.of(how));
        options.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return POSIX
                    ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(FILE_0600))
                    : FileChannel.open(file, options);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw linkRefused(file);
            }
            throw e;
        }
    }

    /**
     * Reads one of fleet's own files whole, never through a link (O_NOFOLLOW); a link under its name
     * fails with a message naming the file and the rule.
     */
    public static byte[] readOwn(Path file) throws IOException {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             var in = java.nio.channels.Channels.newInputStream(ch)) {
            return in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw linkRefused(file);
            }
            throw e;
        }
    }

    /** Removes a link under {@code file}'s name (the link, not what it leads to); whether there was one. */
    public static boolean removeLink(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            Files.deleteIfExists(file);
            return true;
        }
        return false;
    }

    private static IOException linkRefused(Path file) {
        return new IOException(file + " is a symbolic link: fleet reads and writes its own files only as files of "
                + "its own, never through a link (remove the link)");
    }

    /**
     * Makes {@code file} owner-only (0600, a folder 0700), never through a link: a link there is
     * refused, naming it, and its target keeps its mode.
     */
    public static void restrictToOwner(Path file) throws IOException {
        if (!POSIX) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw linkRefused(file);
        }
        if (a.isRegularFile() || a.isDirectory()) {
            // fchmod on an O_NOFOLLOW open: a link swapped in after the look above fails it.
            Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(a.isDirectory() ? DIR_0700 : FILE_0600);
        } else {
            // A socket cannot be opened to fchmod it, so it is chmod'ed by name: a link swapped in
            // within the microseconds since the look above would be followed. Fleet's sockets are
            // bound in its own folder a moment before.
            Files.setPosixFilePermissions(file, FILE_0600);
        }
    }
}
