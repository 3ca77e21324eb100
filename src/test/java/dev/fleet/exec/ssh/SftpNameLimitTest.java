package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member path with a name past the file-name limit fails over SFTP saying so, not in the server's bare words. */
class SftpNameLimitTest {
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
    void aNameLongerThan255BytesFailsNamingTheRuleBothWays() throws Exception {
        Path local = Files.writeString(tmp.resolve("a.txt"), "a");
        String tooLong = ssh.work + "/" + "n".repeat(300) + "/a.txt";
        try (FileSession files = ssh.channel.files()) {
            assertThatThrownBy(() -> files.upload(local, tooLong, 0, real -> null, b -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining(tooLong).hasMessageContaining("255 bytes");
            assertThatThrownBy(() -> files.download(tooLong, tmp.resolve("back.txt"), b -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining(tooLong).hasMessageContaining("255 bytes");
        }
    }
}
