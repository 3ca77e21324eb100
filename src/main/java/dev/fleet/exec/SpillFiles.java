package dev.fleet.exec;

import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Files that keep the full output of commands whose output exceeded the inline cap. Only the
 * newest {@value #KEEP} are kept, so the folder cannot grow without bound.
 */
public final class SpillFiles {
    static final int KEEP = 100;

    private final Path dir;
    private final Clock clock;

    public SpillFiles(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public Path next(String stream) {
        try {
            SecureFiles.createPrivateDirectories(dir);
            prune();
            // Formatter built here, not statically: spills are rare and start-up time is not.
            String name = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8) + "." + stream + ".log";
            Path file = dir.resolve(name);
            // A new name each time (time and random digits): made exclusively, never through a link.
            SecureFiles.createPrivateNew(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an output file in " + dir, e);
        }
    }

    private void prune() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
            for (int i = KEEP - 1; i < sorted.size(); i++) {
                Files.deleteIfExists(sorted.get(i));
            }
        }
    }
}
