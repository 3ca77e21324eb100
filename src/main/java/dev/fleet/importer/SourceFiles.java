package dev.fleet.importer;

import dev.fleet.base.RegularFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the files of a registry to import (registry.json, salt) only when they are regular files
 * of a sane size, by {@link RegularFiles}' rule (shared with fleet install's reads). PATH is the
 * user's word, and may name anything: a FIFO (the read would wait forever), {@code /dev/zero} or a
 * multi-gigabyte file (the read would exhaust the heap and end in an OutOfMemoryError) instead of a
 * clear error.
 */
final class SourceFiles {
    /** Far above any real registry (a member takes well under 2 KB); the salt file is a few dozen bytes. */
    static final int MAX_REGISTRY_BYTES = 32 * 1024 * 1024;
    static final int MAX_SALT_BYTES = 4096;

    private SourceFiles() {
    }

    /** The file's bytes; {@link NoSuchFileException} when it is missing, an IOException naming the rule otherwise. */
    static byte[] read(Path file, int maxBytes) throws IOException {
        return RegularFiles.read(file, maxBytes);
    }
}
