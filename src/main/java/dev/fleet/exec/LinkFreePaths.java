package dev.fleet.exec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * Files on this machine reached by a real path (every link resolved when the path was checked
 * against a work folder) with no link followed on the way to them: each folder from the root down
 * is opened relative to the one before it without following a link ({@code openat} with
 * {@code O_NOFOLLOW}), and the file is then opened, made, renamed or removed relative to its
 * folder. A process in a work folder that swaps a folder or a file for a link between fleet's
 * check of the real path and its use makes the use fail, where a use by path would follow the
 * link out of the folder.
 *
 * <p>Where the platform opens no folder relative to another ({@link SecureDirectoryStream}, not
 * on Windows), {@link #SUPPORTED} is false and callers use paths as they are.
 */
final class LinkFreePaths {
    static final boolean SUPPORTED = probe();

    private LinkFreePaths() {
    }

    private static boolean probe() {
        try (DirectoryStream<Path> root = Files.newDirectoryStream(Path.of("/").toAbsolutePath().getRoot())) {
            return root instanceof SecureDirectoryStream;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The folder at {@code realDir}, opened with no link followed from the root down; close it
     * when done. With {@code make}, a folder missing on the way is made first (by path: an
     * empty folder is all a swap at that moment can misplace, and the opening after it, relative
     * to the folder before, then finds no folder of that name and fails).
     */
    static SecureDirectoryStream<Path> openFolder(Path realDir, boolean make) throws IOException {
        Path root = realDir.getRoot();
        if (root == null) {
            throw new IOException(realDir + ": not an absolute path");
        }
        try (SecureDirectoryStream<Path> top = (SecureDirectoryStream<Path>) Files.newDirectoryStream(root)) {
            return openBelow(top, root, root.relativize(realDir), make);
        }
    }

    /**
     * The folder {@code below} under {@code from} (open at {@code fromPath}), each folder on the way
     * opened relative to the one before as {@link #openFolder} does; {@code from} stays open, and
     * an empty {@code below} opens {@code from} once more. Close what is returned when done.
     */
    static SecureDirectoryStream<Path> openBelow(SecureDirectoryStream<Path> from, Path fromPath, Path below, boolean make)
            throws IOException {
        SecureDirectoryStream<Path> folder = from;
        Path reached = fromPath;
        try {
            for (Path name : below) {
                if (name.toString().isEmpty()) {
                    continue;
                }
                reached = reached.resolve(name);
                SecureDirectoryStream<Path> next = openIn(folder, name, reached, make);
                if (folder != from) {
                    folder.close();
                }
                folder = next;
            }
            return folder != from ? folder : from.newDirectoryStream(fromPath.getFileSystem().getPath("."), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            if (folder != from) {
                folder.close();
            }
            throw e;
        }
    }

    private static SecureDirectoryStream<Path> openIn(SecureDirectoryStream<Path> folder, Path name, Path reached, boolean make)
            throws IOException {
        try {
            return folder.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            if (!make) {
                throw missing;
            }
        } catch (AccessDeniedException denied) {
            throw denied;
        } catch (IOException e) {
            throw changed(reached, e);
        }
        try {
            Files.createDirectory(reached);
        } catch (FileAlreadyExistsException raced) {
            // Made meanwhile (another copy into the same new folder): opened below like any other.
        }
        try {
            return folder.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException denied) {
            throw denied;
        } catch (IOException e) {
            throw changed(reached, e);
        }
    }

    /** A folder on the way is a link or no folder now, though the checked path had none there. */
    static IOException changed(Path path, IOException cause) {
        return new IOException(path + " is a link or not a folder (it changed after fleet checked where it leads); refused",
                cause);
    }
}
