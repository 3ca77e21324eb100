package dev.fleet.registration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

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

    /**
     * A folder as the file system knows it, read once to be compared with many others (a registry
     * of a thousand local members costs a look at each of theirs, not four). {@code key}: its
     * file key (device and inode on POSIX), null where the file system gives none (Windows).
     */
    record OnDisk(Path path, Object key) {
        /** True when {@code other} exists and is this same folder; a missing or unreadable one is not. */
        boolean sameAs(String other) {
            try {
                Path o = Path.of(other);
                BasicFileAttributes a = Files.readAttributes(o, BasicFileAttributes.class);
                if (!a.isDirectory()) {
                    return false;
                }
                if (key != null && a.fileKey() != null) {
                    return key.equals(a.fileKey());
                }
                return Files.isSameFile(path, o);
            } catch (IOException | InvalidPathException | SecurityException e) {
                return false;
            }
        }
    }

    /** {@code folder} as the file system knows it; null when it is no existing folder (it cannot be another's). */
    static OnDisk of(String folder) {
        try {
            Path p = Path.of(folder);
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.isDirectory() ? new OnDisk(p, a.fileKey()) : null;
        } catch (IOException | InvalidPathException | SecurityException e) {
            return null;
        }
    }
}
