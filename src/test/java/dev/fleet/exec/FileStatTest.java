package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatTest {
    @TempDir
    Path tmp;

    @Test
    void aLocalRegularFileHasItsSizeAndTimesInWholeSeconds() throws Exception {
        Path f = Files.writeString(tmp.resolve("f.txt"), "12345");
        Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(FileTime.from(Instant.parse("2026-01-02T03:04:05.678Z")),
                FileTime.from(Instant.parse("2026-01-02T04:00:00.5Z")), null);
        FileStat s = FileStat.ofLocal(f);
        assertThat(s).isEqualTo(new FileStat(5, Instant.parse("2026-01-02T03:04:05Z").getEpochSecond(),
                Instant.parse("2026-01-02T04:00:00Z").getEpochSecond()));
        assertThat(s.lastTouchedSeconds()).as("the later of the two").isEqualTo(s.accessedSeconds());
    }

    /** A part file a tar is filling: its source's time (old) at once, the extraction's access time (now). */
    @Test
    void theLastTouchIsTheLaterTimeAndAnUnreadAccessTimeCountsForNothing() {
        assertThat(new FileStat(1, 100, 5_000).lastTouchedSeconds()).isEqualTo(5_000);
        assertThat(new FileStat(1, 5_000, 100).lastTouchedSeconds()).isEqualTo(5_000);
        assertThat(new FileStat(1, 100).lastTouchedSeconds()).isEqualTo(100);
    }

    @Test
    void linksFoldersAndNothingHaveNone() throws Exception {
        Path f = Files.writeString(tmp.resolve("f.txt"), "x");
        assertThat(FileStat.ofLocal(Files.createSymbolicLink(tmp.resolve("link"), f))).as("a link is not followed").isNull();
        assertThat(FileStat.ofLocal(tmp)).isNull();
        assertThat(FileStat.ofLocal(tmp.resolve("missing"))).isNull();
    }
}
