package dev.fleet.exec.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.sftp.common.SftpHelper;

/**
 * Permission bits of copied files, as {@code scp -p} keeps them: a copy is as open as its source
 * and no more (the receiving side's umask may close it further). Only the read, write and execute
 * bits travel; set-id and sticky bits do not. The conversion between bits and Java's permission
 * sets is MINA's, the one its SFTP code uses.
 */
final class CopiedModes {
    /** The read, write and execute bits of owner, group and others. */
    static final int BITS = 0777;
    /** A source on a file system without POSIX permissions (Windows): it has no bits to carry. */
    static final int UNKNOWN = -1;
    /**
     * What a new file gets on most systems anyway (umask 022): a copy of such a file is left to
     * the receiving side's default, which saves a round trip per file.
     */
    static final int USUAL = 0644;

    private CopiedModes() {
    }

    /**
     * The file's permission bits on this machine, or {@link #UNKNOWN} on a file system without
     * them. Bits that cannot be read fail the copy: sent with the member's default instead, a
     * file only its owner may read could arrive readable by everyone.
     */
    static int of(Path file) throws IOException {
        if (!hasPosixBits(file)) {
            return UNKNOWN;
        }
        return SftpHelper.attributesToPermissions(false, false, false, Files.getPosixFilePermissions(file)) & BITS;
    }

    /**
     * A new file (never one already there, nor through a link under its name) created with
     * {@code mode}'s bits, this process's umask applied; the file system's default where it has
     * no POSIX permissions.
     */
    static OutputStream createNew(Path file, int mode) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (!hasPosixBits(file)) {
            return Files.newOutputStream(file, options.toArray(new StandardOpenOption[0]));
        }
        return Channels.newOutputStream(Files.newByteChannel(file, options,
                PosixFilePermissions.asFileAttribute(SftpHelper.permissionsToAttributes(mode & BITS))));
    }

    private static boolean hasPosixBits(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
