package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload reads the file straight into the SFTP requests: every size around a request's
 * boundary arrives whole, and progress counts up to the file's size.
 */
class SftpUploadTest {
    @TempDir
    Path tmp;
    SshChannelFixture ssh;

    @BeforeEach
    void setUp() throws Exception {
        ssh = new SshChannelFixture(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        ssh.close();
    }

    @Test
    void filesOfEverySizeAroundARequestArriveWholeWithProgressUpToTheirSize() throws Exception {
        int request = SftpRequestSizes.LARGEST;
        Random random = new Random(13);
        try (FileSession files = ssh.channel.files()) {
            for (int size : new int[] {0, 1, request - 1, request, request + 1, 3 * request + 7}) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                Path file = Files.write(tmp.resolve("f" + size), bytes);
                String dest = ssh.work + "/f" + size;
                List<Long> progress = new ArrayList<>();
                files.upload(file, dest, progress::add);
                assertThat(Files.mismatch(file, Path.of(dest))).as("%d bytes", size).isEqualTo(-1);
                assertThat(progress).as("progress of %d bytes", size).isSorted();
                if (size > 0) {
                    assertThat(progress).last().isEqualTo((long) size);
                    assertThat(progress).hasSizeGreaterThanOrEqualTo((size + request - 1) / request);
                }
            }
        }
    }
}
