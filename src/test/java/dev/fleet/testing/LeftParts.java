package dev.fleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/** Part files as a copy cut off long ago leaves them: neither written nor read since. */
public final class LeftParts {
    private LeftParts() {
    }

    /** Sets both the modification and the access time of {@code file} to {@code age} ago. */
    public static Path untouchedFor(Path file, Duration age) throws IOException {
        FileTime then = FileTime.from(Instant.now().minus(age));
        Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(then, then, null);
        return file;
    }
}
