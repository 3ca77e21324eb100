package dev.fleet.exec.ssh;

import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One member reached over SSH, for the tests of this package: the in-process SSH server on
 * 127.0.0.1 (key login), a connection pool on a clock the test moves (5 s to connect, closed after
 * 5 idle minutes) and the member's channel through it. Everything lives under the given folder.
 */
final class SshChannelFixture implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    final TestSshServer sshd;
    final SshPool pool;
    final SshChannel channel;
    private final SshTarget target;
    /** A folder on the member (the same machine), by its real path, for files the test copies or links. */
    final Path work;

    SshChannelFixture(Path dir) throws Exception {
        this(dir, UploadWarmUp.usual());
    }

    /** With the upload warm-up a test chose (its pool runs it only once told to warm up). */
    SshChannelFixture(Path dir, UploadWarmUp uploadWarmUp) throws Exception {
        this(dir, uploadWarmUp, 0, null);
    }

    /**
     * With the upload warm-up a test chose, a server speaking only {@code sftpVersion} (0: any), and
     * the member known as a cloud instance of that id when {@code instanceId} is not null.
     */
    SshChannelFixture(Path dir, UploadWarmUp uploadWarmUp, int sftpVersion, String instanceId) throws Exception {
        this(dir, uploadWarmUp, sftpVersion, instanceId, OsCommands.forOs(MemberOs.LINUX));
    }

    /** The same, with the member's commands a test chose (a Linux member's, some of them changed). */
    SshChannelFixture(Path dir, UploadWarmUp uploadWarmUp, int sftpVersion, String instanceId, OsCommands os) throws Exception {
        TestHome home = new TestHome(dir);
        TestSshServer server = new TestSshServer(home, dir.resolve("sshd"));
        sshd = (sftpVersion > 0 ? server.sftpVersion(sftpVersion) : server).start();
        Path key = TestKeys.write(dir.resolve("keys/k"), "ssh-ed25519", 256, null);
        TestKeys.authorize(home, key);
        pool = new SshPool(new TofuHostKeys(dir.resolve("known_hosts")), clock, Duration.ofSeconds(5), Duration.ofMinutes(5), uploadWarmUp);
        target = new SshTarget("m1|x", "127.0.0.1", sshd.port(), TestSshServer.USER, null, key, instanceId);
        channel = new SshChannel("m1", target, pool, os, new SpillFiles(dir.resolve("out"), clock));
        work = java.nio.file.Files.createDirectories(dir.resolve("work")).toRealPath();
    }

    /** A file of {@code size} pseudo-random bytes (the same bytes for the same size), its folder made if missing. */
    static Path randomFile(Path file, long size) throws java.io.IOException {
        byte[] bytes = new byte[Math.toIntExact(size)];
        new java.util.Random(size).nextBytes(bytes);
        java.nio.file.Files.createDirectories(file.getParent());
        return java.nio.file.Files.write(file, bytes);
    }

    /** Where and how the channel logs in. */
    SshTarget channelTarget() {
        return target;
    }

    @Override
    public void close() throws Exception {
        pool.close();
        sshd.close();
    }
}
