package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk that resolves a member path over fleet's own SFTP client asks the lstats of the parts
 * ahead all at once ({@code SshChannel.lookAhead}). It must come to exactly what the walk one
 * lstat at a time comes to, over MINA's plain client, on the same member: links absolute and
 * relative, {@code ..} after a link, missing and dangling parts, links out of the work folder,
 * chains and loops. An answer asked ahead for a name the walk no longer goes through (a link
 * changed the path) must never be taken.
 */
class LookAheadResolveTest {
    @TempDir
    Path tmp;

    @Test
    void resolvesEveryKindOfPathExactlyAsTheWalkOneLstatAtATime() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             FlightSftpClient ahead = FlightSftpClient.open(lease.session());
             SftpClient oneByOne = SftpClientFactory.instance().createSftpClient(lease.session())) {
            Path w = ssh.work;
            Path outside = Files.createDirectories(tmp.resolve("outside/in")).toRealPath().getParent();
            Files.createDirectories(w.resolve("x/y/z"));
            Files.writeString(w.resolve("x/y/z/file.txt"), "f");
            Files.createSymbolicLink(w.resolve("rel"), Path.of("x"));
            Files.createSymbolicLink(w.resolve("abs"), w.resolve("x/y"));
            Files.createSymbolicLink(w.resolve("out"), outside);
            Files.createSymbolicLink(w.resolve("dangling"), w.resolve("nowhere"));
            Files.createSymbolicLink(w.resolve("x/y/up"), Path.of("../../rel"));
            Files.createSymbolicLink(w.resolve("c0"), Path.of("c1"));
            Files.createSymbolicLink(w.resolve("c1"), Path.of("c2"));
            Files.createSymbolicLink(w.resolve("c2"), Path.of("x/y"));
            // A link whose name, asked ahead through it, reads like a real folder: x/y's "z" is
            // also reachable as abs/z, so an answer kept for the old spelling would still look right.
            Files.createSymbolicLink(w.resolve("x/y/z/back"), Path.of("../../.."));

            List<String> paths = List.of(
                    w + "/x/y/z/file.txt",
                    w + "/x/y/z/missing.txt",
                    w + "/rel/y/z/file.txt",
                    w + "/abs/z/file.txt",
                    w + "/abs/../y/./z/file.txt",
                    w + "/x/../x/y/z",
                    w + "/missing/deeper/file.txt",
                    w + "/dangling/file.txt",
                    w + "/out/in/secret.txt",
                    w + "/out/../escaped.txt",
                    w + "/x/y/up/y/z/file.txt",
                    w + "/c0/z/file.txt",
                    w + "/x/y/z/back/abs/z/back/rel/y",
                    w + "/",
                    "/");
            for (String p : paths) {
                SshChannel.Resolved expected = SshChannel.resolve(oneByOne, p, MemberOs.LINUX);
                assertThat(SshChannel.resolve(ahead, p, MemberOs.LINUX)).as(p).isEqualTo(expected);
            }
            // And the answers are the kernel's, where the path exists.
            assertThat(SshChannel.resolve(ahead, w + "/c0/z/file.txt", MemberOs.LINUX).path())
                    .isEqualTo(w.resolve("x/y/z/file.txt").toRealPath().toString());
            assertThat(SshChannel.resolve(ahead, w + "/out/in/secret.txt", MemberOs.LINUX).path())
                    .isEqualTo(outside.resolve("in/secret.txt").toString());
        }
    }

    @Test
    void aLoopOfLinksStillFailsAsTheWalkOneLstatAtATimeFails() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             FlightSftpClient ahead = FlightSftpClient.open(lease.session());
             SftpClient oneByOne = SftpClientFactory.instance().createSftpClient(lease.session())) {
            Files.createSymbolicLink(ssh.work.resolve("loop-a"), Path.of("loop-b"));
            Files.createSymbolicLink(ssh.work.resolve("loop-b"), Path.of("loop-a"));
            String p = ssh.work + "/loop-a/x";
            assertThatThrownBy(() -> SshChannel.resolve(oneByOne, p, MemberOs.LINUX)).isInstanceOf(IOException.class)
                    .hasMessageContaining("symbolic links");
            assertThatThrownBy(() -> SshChannel.resolve(ahead, p, MemberOs.LINUX)).isInstanceOf(IOException.class)
                    .hasMessageContaining("symbolic links");
        }
    }

    @Test
    void aPathOfManyPartsIsResolvedWholeThoughOneLookAheadAsksOnlySomeOfThem() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"));
             SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
             FlightSftpClient ahead = FlightSftpClient.open(lease.session())) {
            StringBuilder rel = new StringBuilder();
            for (int i = 0; i < 45; i++) {
                rel.append(i == 0 ? "" : "/").append("d").append(i);
            }
            Path deep = Files.createDirectories(ssh.work.resolve(rel.toString()));
            Files.writeString(deep.resolve("f"), "f");
            // A link at the 40th part, past the first look-ahead's reach, is still followed.
            Path fortieth = deep.getParent().getParent().getParent().getParent().getParent();
            Path moved = Files.move(fortieth, fortieth.resolveSibling("moved"));
            Files.createSymbolicLink(fortieth, Path.of("moved"));
            SshChannel.Resolved r = SshChannel.resolve(ahead, deep + "/f", MemberOs.LINUX);
            assertThat(r.path()).isEqualTo(moved.resolve("d40/d41/d42/d43/d44/f").toString());
            assertThat(r.exists()).isTrue();
        }
    }
}
