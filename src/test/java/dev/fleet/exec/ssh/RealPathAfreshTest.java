package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file session resolves each folder once ({@link ResolvedFolders}); the look after a transfer
 * must not take those answers: a folder above the one a transfer went through may have been
 * swapped for a link meanwhile, and only resolving every part again shows it.
 */
class RealPathAfreshTest {
    @TempDir
    Path tmp;

    @Test
    void aSwappedFolderAboveIsSeenAfreshWhereTheSessionsResolvedFoldersStillShowTheOldPlace() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path deep = Files.createDirectories(ssh.work.resolve("x/y"));
            Path outside = Files.createDirectories(tmp.resolve("outside/y"));
            try (FileSession files = ssh.channel.files()) {
                String before = files.realPath(deep.toString());
                assertThat(before).isEqualTo(deep.toRealPath().toString());

                Path x = ssh.work.resolve("x");
                Files.move(x, ssh.work.resolve("x.moved"));
                Files.createSymbolicLink(x, outside.getParent());

                assertThat(files.realPath(deep.toString())).as("resolved folders are kept for the session").isEqualTo(before);
                assertThat(files.realPathAfresh(deep.toString())).isEqualTo(outside.toRealPath().toString());
            }
        }
    }
}
