package dev.fleet.exec.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Permission bits of copied files, as {@code scp -p} keeps them: a copy is as open as its source
 * and no more (the receiving side's umask may close it further). Only the read, write and execute
 * bits travel; set-id and sticky bits do not.
 */
final class FileModes {
    /** The read, write and execute bits of owner, group and others. */
    static final int BITS = 0777;
    /** A source whose bits could not be read (a file system without POSIX permissions). */
    static final int UNKNOWN = -1;
    /**
     * What a new file gets on most systems anyway (umask 022): a copy of such a file is left to
     * the receiving side's default, which saves a round trip per file.
     */
    static final int USUAL = 0644;

    private static final PosixFilePermission[] ORDER = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private FileModes() {
    }

    /** The file's permission bits on this machine, or {@link #UNKNOWN}. */
    static int of(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            int mode = 0;
            for (int bit = 0; bit < ORDER.length; bit++) {
                if (perms.contains(ORDER[bit])) {
                    mode |= 1 << bit;
                }
            }
            return mode;
        } catch (UnsupportedOperationException | IOException e) {
            return UNKNOWN;
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < ORDER.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(ORDER[bit]);
            }
        }
        return perms;
    }

    /**
     * A new file (never one already there, nor through a link under its name) created with
     * {@code mode}'s bits, this process's umask applied; the file system's default where it has
     * no POSIX permissions.
     */
    static OutputStream createNew(Path file, int mode) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.newOutputStream(file, options.toArray(new StandardOpenOption[0]));
        }
        return Channels.newOutputStream(Files.newByteChannel(file, options,
                PosixFilePermissions.asFileAttribute(permissions(mode & BITS))));
    }
}
