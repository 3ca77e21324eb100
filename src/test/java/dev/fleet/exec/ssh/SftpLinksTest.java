package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.FileSession;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link resolution over SFTP, which the transfer boundary relies on: it resolves like the kernel, or fails. */
class SftpLinksTest {
    @TempDir
    Path tmp;
    TestSshServer sshd;
    SshPool pool;
    SshChannel channel;
    Path work;
    Path outside;

    @BeforeEach
    void setUp() throws Exception {
        TestHome home = new TestHome(tmp);
        sshd = new TestSshServer(home, tmp.resolve("sshd")).start();
        Path key = TestKeys.write(tmp.resolve("keys/k"), "ssh-ed25519", 256, null);
        TestKeys.authorize(home, key);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(5), Duration.ofMinutes(5));
        channel = new SshChannel(new SshTarget("m1|x", "127.0.0.1", sshd.port(), TestSshServer.USER, null, key), pool,
                OsCommands.forOs(MemberOs.LINUX), new SpillFiles(tmp.resolve("out"), clock));
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.close();
        sshd.close();
    }

    /** link0 -> link1 -> … -> link{n-1} -> the outside folder. */
    private void chain(int n) throws IOException {
        Files.createSymbolicLink(work.resolve("link" + (n - 1)), outside);
        for (int i = n - 2; i >= 0; i--) {
            Files.createSymbolicLink(work.resolve("link" + i), Path.of("link" + (i + 1)));
        }
    }

    @Test
    void linksAreFollowedToWhereTheyLead() throws Exception {
        chain(10);
        try (FileSession files = channel.files()) {
            assertThat(files.realPath(work + "/link0/secret.txt")).isEqualTo(outside + "/secret.txt");
        }
    }

    @Test
    void moreLinksThanTheKernelFollowsFailInsteadOfKeepingTheUnresolvedName() throws Exception {
        chain(45);
        try (FileSession files = channel.files()) {
            assertThatThrownBy(() -> files.realPath(work + "/link0/secret.txt"))
                    .isInstanceOf(IOException.class).hasMessageContaining("symbolic links");
        }
        Files.createSymbolicLink(work.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(work.resolve("loop-b"), Path.of("loop-a"));
        try (FileSession files = channel.files()) {
            assertThatThrownBy(() -> files.realPath(work + "/loop-a/x")).isInstanceOf(IOException.class);
        }
    }
}
