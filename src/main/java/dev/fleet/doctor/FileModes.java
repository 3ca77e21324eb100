package dev.fleet.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Who else may read or write a file; nothing to say where the file system has no POSIX modes. */
final class FileModes {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> OTHERS_WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private FileModes() {
    }

    /** The mode as rwx text when anyone but the owner has any access; empty when private or unknown. */
    static Optional<String> openToOthers(Path file) throws IOException {
        return matching(file, OTHERS);
    }

    /** The mode as rwx text when anyone but the owner may write; empty otherwise. */
    static Optional<String> writableByOthers(Path file) throws IOException {
        return matching(file, OTHERS_WRITE);
    }

    private static Optional<String> matching(Path file, Set<PosixFilePermission> bad) throws IOException {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) == null) {
            return Optional.empty();
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        for (PosixFilePermission p : bad) {
            if (perms.contains(p)) {
                return Optional.of(PosixFilePermissions.toString(perms));
            }
        }
        return Optional.empty();
    }
}
