package dev.fleet.exec;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A local member's copies with nothing on the member's side reached through a link
 * ({@link LinkFreePaths}): the folder a file goes to or comes from is opened by the real path
 * that was checked against the work folder, and the file is made, renamed or read relative to
 * that folder. A folder or file swapped for a link after the check (by anything running in the
 * work folder) fails the copy instead of leading it outside.
 */
final class LinkFreeCopies {
    private static final String SWAPPED = "a link now (it changed after fleet checked where it leads); refused";
    private LinkFreeCopies() {
    }

    /**
     * {@link FileSession#upload} to {@code to} on this machine: the bytes go to a part file in the
     * folder as its real path is now (shown to {@code placement} with the name as written), then
     * get the time and the source's permissions, and are renamed into place within that folder
     * once {@code placement} has seen where the name itself leads.
     */
    static void upload(LinkFreeFolders folders, Path localFile, Path to, long modifiedSeconds, FileSession.Placement placement)
            throws IOException {
        Path absolute = to.toAbsolutePath();
        Path parent = absolute.getParent();
        Path name = absolute.getFileName();
        if (parent == null || name == null) {
            throw new IOException(to + " is not a file's path");
        }
        Path realParent = Path.of(LocalChannel.realPath(parent));
        placement.check(realParent.resolve(name.toString()).toString());
        PosixFileAttributes source = Files.readAttributes(localFile, PosixFileAttributes.class);
        if (!source.isRegularFile()) {
            throw new NoSuchFileException(localFile.toString(), null, "not a regular file");
        }
        Path part = PartFile.beside(absolute).getFileName();
        SecureDirectoryStream<Path> folder = folders.folder(realParent, true);
        try {
            try (FileChannel in = FileChannel.open(localFile, READ);
                 SeekableByteChannel out = folder.newByteChannel(part, Set.of(WRITE, CREATE_NEW, NOFOLLOW_LINKS))) {
                long size = in.size();
                long done = 0;
                while (done < size) {
                    long n = in.transferTo(done, size - done, out);
                    if (n <= 0) {
                        break;
                    }
                    done += n;
                }
            }
            PosixFileAttributeView made = folder.getFileAttributeView(part, PosixFileAttributeView.class, NOFOLLOW_LINKS);
            // The time first: setting it opens the file to read, which permissions without the
            // owner's read would refuse.
            made.setTimes(FileTime.from(modifiedSeconds, TimeUnit.SECONDS), null, null);
            made.setPermissions(source.permissions());
            // Again right before the rename: a link made in the name since the first look is seen.
            placement.check(LocalChannel.realPath(to));
            folder.move(part, folder, name);
        } finally {
            try {
                folder.deleteFile(part);
            } catch (NoSuchFileException renamed) {
                // In place under its name: nothing left to remove.
            }
        }
    }

    /** The file {@code name} in {@code folder}, to read; a link there now (swapped in since the look) is refused. */
    private static SeekableByteChannel open(SecureDirectoryStream<Path> folder, Path name) throws IOException {
        try {
            return folder.newByteChannel(name, Set.of(READ, NOFOLLOW_LINKS));
        } catch (FileSystemException e) {
            // The JDK says which refusal O_NOFOLLOW gave; the name may be a file again by the time it is looked at.
            boolean refusedALink = e.getReason() != null && e.getReason().endsWith("(NOFOLLOW_LINKS specified)");
            if (refusedALink || isLink(folder, name)) {
                throw new IOException(SWAPPED, e);
            }
            throw e;
        }
    }

    private static boolean isLink(SecureDirectoryStream<Path> folder, Path name) {
        try {
            return folder.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW_LINKS).readAttributes().isSymbolicLink();
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * {@link FileSession#download} of the file at {@code realFile} (a real path: no link on the
     * way, the name included, or the copy is refused) to a new local file, with its permissions
     * and times.
     */
    static void download(LinkFreeFolders folders, Path realFile, Path localFile) throws IOException {
        Path absolute = realFile.toAbsolutePath();
        Path parent = absolute.getParent();
        Path name = absolute.getFileName();
        if (parent == null || name == null) {
            throw new NoSuchFileException(realFile.toString(), null, "not a regular file");
        }
        SecureDirectoryStream<Path> folder = folders.folder(parent, false);
        PosixFileAttributes file = folder.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW_LINKS)
                .readAttributes();
        if (!file.isRegularFile()) {
            // Looked at before opening: opening a pipe would wait for a writer.
            if (file.isSymbolicLink()) {
                throw new IOException(SWAPPED);
            }
            throw new NoSuchFileException(realFile.toString(), null, "not a regular file");
        }
        Path localParent = localFile.toAbsolutePath().getParent();
        if (localParent != null) {
            Files.createDirectories(localParent);
        }
        // A new file only (callers copy to fresh part files): a file or link already there is never written through.
        try (SeekableByteChannel in = open(folder, name);
             FileChannel out = FileChannel.open(localFile, CREATE_NEW, WRITE)) {
            long done = 0;
            long n;
            while ((n = out.transferFrom(in, done, 1L << 30)) > 0) {
                done += n;
            }
        }
        PosixFileAttributeView copy = Files.getFileAttributeView(localFile, PosixFileAttributeView.class, NOFOLLOW_LINKS);
        copy.setTimes(file.lastModifiedTime(), file.lastAccessTime(), null);
        copy.setPermissions(file.permissions());
    }
}
