package dev.fleet.registration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Whether two folders of this machine are one folder on disk, however each is written. Paths
 * that differ as text may still be one folder: a link to it ({@code ~/proj} and the link
 * {@code ~/link-to-proj}), a bind mount, or a case-insensitive file system. Two members on one
 * folder would have fleet run two clients' work in the same files and judge each busy by the
 * other's processes, so the one-member-per-folder rule compares folders as the file system does.
 */
final class LocalFolders {
    private LocalFolders() {
    }

    /** True when both exist and are the same folder; a missing or unreadable one cannot be the other. */
    static boolean same(String a, String b) {
        try {
            Path pa = Path.of(a);
            Path pb = Path.of(b);
            return Files.isDirectory(pa) && Files.isDirectory(pb) && Files.isSameFile(pa, pb);
        } catch (IOException | InvalidPathException | SecurityException e) {
            return false;
        }
    }
}
