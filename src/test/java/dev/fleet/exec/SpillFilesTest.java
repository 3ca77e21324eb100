package dev.fleet.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillFilesTest {
    @TempDir
    Path tmp;

    @Test
    void spillFilesArePrunedToTheNewest() throws Exception {
        SpillFiles spills = new SpillFiles(tmp.resolve("spill"), Clock.systemUTC());
        for (int i = 0; i < SpillFiles.KEEP + 20; i++) {
            spills.next("stdout");
        }
        try (var files = Files.list(tmp.resolve("spill"))) {
            assertThat(files.count()).isLessThanOrEqualTo(SpillFiles.KEEP);
        }
    }
}
