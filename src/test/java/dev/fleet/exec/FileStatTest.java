package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatTest {
    @TempDir
    Path tmp;

    @Test
    void aLocalRegularFileHasItsSizeAndTimeInWholeSeconds() throws Exception {
        Path f = Files.writeString(tmp.resolve("f.txt"), "12345");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-01-02T03:04:05.678Z")));
        assertThat(FileStat.ofLocal(f)).isEqualTo(new FileStat(5, Instant.parse("2026-01-02T03:04:05Z").getEpochSecond()));
    }

    @Test
    void linksFoldersAndNothingHaveNone() throws Exception {
        Path f = Files.writeString(tmp.resolve("f.txt"), "x");
        assertThat(FileStat.ofLocal(Files.createSymbolicLink(tmp.resolve("link"), f))).as("a link is not followed").isNull();
        assertThat(FileStat.ofLocal(tmp)).isNull();
        assertThat(FileStat.ofLocal(tmp.resolve("missing"))).isNull();
    }
}
