package dev.fleet.base;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files fleet reads that someone else may have put there (a registry to import, Claude Code's
 * settings, a project's {@code .mcp.json} that came with a cloned repository): read only when they
 * are regular files, and only up to a size. A name may lead anywhere: to a FIFO (the read would wait
 * for ever), to {@code /dev/zero} or a file of gigabytes (the read would fill the heap and end in an
 * OutOfMemoryError). A link to a regular file is read as that file: people keep dotfiles as links.
 */
public final class RegularFiles {
    private RegularFiles() {
    }

    /** More than the most fleet reads from the file; the message names the rule, the caller the file. */
    public static final class TooLarge extends IOException {
        TooLarge(long maxBytes) {
            super("it is larger than " + maxBytes / 1024 + " KiB, the most fleet reads from it");
        }
    }

    /** The file's bytes; {@link NoSuchFileException} when it is missing, an IOException naming the rule otherwise. */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        try (InputStream in = open(file, maxBytes)) {
            return in.readAllBytes();
        }
    }

    /**
     * The file to read, which fails with {@link TooLarge} once more than {@code maxBytes} have been
     * read: counted as read, not only by size, so a file that grows meanwhile is still cut off.
     */
    public static InputStream open(Path file, long maxBytes) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new IOException("it is a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("it is not a regular file (a device or pipe, say); fleet reads only regular files here");
        }
        if (Files.size(file) > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        return new FilterInputStream(Files.newInputStream(file)) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counted(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    counted(n);
                }
                return n;
            }

            private void counted(int n) throws TooLarge {
                count += n;
                if (count > maxBytes) {
                    throw new TooLarge(maxBytes);
                }
            }
        };
    }
}
