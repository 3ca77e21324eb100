package dev.fleet.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the files of a registry to import (registry.json, salt) only when they are regular files
 * of a sane size. PATH is the user's word, and may name anything: a FIFO (the read would wait
 * forever), {@code /dev/zero} or a multi-gigabyte file (the read would exhaust the heap and end in
 * an OutOfMemoryError) instead of a clear error.
 */
final class SourceFiles {
    /** Far above any real registry (a member takes well under 2 KB); the salt file is a few dozen bytes. */
    static final int MAX_REGISTRY_BYTES = 32 * 1024 * 1024;
    static final int MAX_SALT_BYTES = 4096;

    private SourceFiles() {
    }

    /** The file's bytes; {@link NoSuchFileException} when it is missing, an IOException naming the rule otherwise. */
    static byte[] read(Path file, int maxBytes) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("it is not a regular file (a device or pipe, say); fleet reads only regular files here");
        }
        // Counted as read, not only by size: a file that grows meanwhile is still cut off at the limit.
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException(file + " is larger than " + maxBytes / 1024 + " KiB, the most fleet reads from it; "
                        + "this is not a registry of the original product");
            }
            return bytes;
        }
    }
}
