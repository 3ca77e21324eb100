package dev.fleet.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folders one batch of a local member's copies has opened with no link followed
 * ({@link LinkFreePaths}), kept open for the files after: a folder of two thousand small files is
 * opened once, not once per file from the root down, and a folder next to one already open is
 * opened from its nearest open ancestor. A handle keeps the folder it opened, wherever that
 * folder's path leads later; what it reaches is only ever inside that folder, never through a
 * link. The most recently used {@value #MOST_OPEN} stay open (each holds two file descriptors); all
 * are closed with the batch. One thread at a time, as a {@link FileSession} is used.
 */
final class LinkFreeFolders implements AutoCloseable {
    static final int MOST_OPEN = 16;

    private final Map<Path, SecureDirectoryStream<Path>> open = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, SecureDirectoryStream<Path>> eldest) {
            if (size() <= MOST_OPEN) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    /** The folder at real path {@code realDir}, opened link-free (folders missing on the way made when {@code make}); do not close it. */
    synchronized SecureDirectoryStream<Path> folder(Path realDir, boolean make) throws IOException {
        SecureDirectoryStream<Path> folder = open.get(realDir);
        if (folder != null) {
            return folder;
        }
        Path ancestor = realDir.getParent();
        SecureDirectoryStream<Path> from = null;
        while (ancestor != null && (from = open.get(ancestor)) == null) {
            ancestor = ancestor.getParent();
        }
        folder = from == null ? LinkFreePaths.openFolder(realDir, make)
                : LinkFreePaths.openBelow(from, ancestor, ancestor.relativize(realDir), make);
        open.put(realDir, folder);
        return folder;
    }

    @Override
    public synchronized void close() {
        open.values().forEach(LinkFreeFolders::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(SecureDirectoryStream<Path> folder) {
        try {
            folder.close();
        } catch (IOException ignored) {
            // Closing a folder handle frees a descriptor; nothing to tell.
        }
    }
}
