package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer listing of the activity check against a real OpenSSH sshd: the {@code sftp-server}
 * it starts for an SFTP session is listed with byte counters its user can read, and they change
 * when data moves through the session, which is what tells a transfer from an idle mount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SftpSessionCountersOpenSshIT {
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    private static final Pattern SESSION = Pattern.compile("(?m)^transfer ([0-9]+) (\\S+)$");

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    static Path tmp;

    @Test
    void anSftpSessionIsListedWithCountersThatMoveWithItsData() throws Exception {
        Assumptions.assumeFalse(SSHD.get().sftpServer.equals("internal-sftp"),
                "this sshd serves SFTP in its own process (no sftp-server program found): no session process to list");
        SshTarget target = new SshTarget("m1|counters", "127.0.0.1", SSHD.get().port, SSHD.get().user, null, SSHD.get().key);
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), CLOCK, Duration.ofSeconds(10),
                Duration.ofMinutes(5), UploadWarmUp.usual())) {
            SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX),
                    new SpillFiles(tmp.resolve("out"), CLOCK));
            String listing = OsCommands.forOs(MemberOs.LINUX).transfersAndLogins(30).orElseThrow();
            Map<String, String> before = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());

            try (SshPool.Lease lease = pool.lease(target);
                 SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
                sftp.stat(SSHD.get().home.toString());
                Map<String, String> open = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
                open.keySet().removeAll(before.keySet());
                assertThat(open).as("the new session's sftp-server").hasSize(1);
                String pid = open.keySet().iterator().next();
                assertThat(open.get(pid)).as("its counters, readable by its user").matches("[0-9]+/[0-9]+/");

                try (OutputStream out = sftp.write(SSHD.get().home.resolve("counted-" + System.nanoTime() + ".bin").toString())) {
                    out.write(new byte[256 * 1024]);
                }
                Map<String, String> after = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
                assertThat(after.get(pid)).as("counters after 256 KiB went through it").matches("[0-9]+/[0-9]+/")
                        .isNotEqualTo(open.get(pid));
            }
        }
    }

    /**
     * A transfer's session kept for the next call is an {@code sftp-server} on the member, which
     * the member's transfer listing would count; {@link SshChannel#endKeptFileSession}, which the
     * activity check calls before that listing, has it gone from the member when it returns.
     */
    @Test
    void aKeptSessionIsGoneFromTheMemberOnceEnded() throws Exception {
        Assumptions.assumeFalse(SSHD.get().sftpServer.equals("internal-sftp"),
                "this sshd serves SFTP in its own process (no sftp-server program found): no session process to list");
        SshTarget target = new SshTarget("m1|kept", "127.0.0.1", SSHD.get().port, SSHD.get().user, null, SSHD.get().key);
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts-kept")), CLOCK, Duration.ofSeconds(10),
                Duration.ofMinutes(5), UploadWarmUp.usual())) {
            SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX),
                    new SpillFiles(tmp.resolve("out-kept"), CLOCK));
            String listing = OsCommands.forOs(MemberOs.LINUX).transfersAndLogins(30).orElseThrow();
            Map<String, String> before = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
            java.nio.file.Path local = java.nio.file.Files.writeString(tmp.resolve("kept.txt"), "kept");
            try (dev.fleet.exec.FileSession files = channel.files()) {
                files.upload(local, SSHD.get().home.resolve("kept-" + System.nanoTime() + ".txt").toString(), 0, real -> null, n -> { });
            }
            assertThat(pool.keepsSftp(target.key())).isTrue();
            Map<String, String> kept = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
            kept.keySet().removeAll(before.keySet());
            assertThat(kept).as("the kept session's sftp-server").hasSize(1);

            channel.endKeptFileSession();

            Map<String, String> after = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
            assertThat(after).as("sftp-servers once the kept session was ended").doesNotContainKeys(kept.keySet().toArray(String[]::new));
            assertThat(pool.keepsSftp(target.key())).isFalse();
        }
    }

    /**
     * A kept session whose {@code sftp-server} ended on the member (killed, or the member's own
     * limit closed it) is not handed to the next transfer once the member's word of it has
     * arrived: that one opens a new session and copies.
     */
    @Test
    void aKeptSessionThatEndedOnTheMemberIsNotHandedOn() throws Exception {
        Assumptions.assumeFalse(SSHD.get().sftpServer.equals("internal-sftp"),
                "this sshd serves SFTP in its own process (no sftp-server program found): no session process to end");
        SshTarget target = new SshTarget("m1|killed", "127.0.0.1", SSHD.get().port, SSHD.get().user, null, SSHD.get().key);
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts-killed")), CLOCK, Duration.ofSeconds(10),
                Duration.ofMinutes(5), UploadWarmUp.usual())) {
            SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX),
                    new SpillFiles(tmp.resolve("out-killed"), CLOCK));
            String listing = OsCommands.forOs(MemberOs.LINUX).transfersAndLogins(30).orElseThrow();
            Map<String, String> before = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
            java.nio.file.Path local = java.nio.file.Files.writeString(tmp.resolve("killed.txt"), "again");
            String dest = SSHD.get().home.resolve("killed-" + System.nanoTime() + ".txt").toString();
            try (dev.fleet.exec.FileSession files = channel.files()) {
                files.upload(local, dest, 0, real -> null, n -> { });
            }
            Map<String, String> kept = sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
            kept.keySet().removeAll(before.keySet());
            assertThat(kept).hasSize(1);
            channel.exec(CommandRequest.probe("kill " + kept.keySet().iterator().next(), Duration.ofSeconds(10)));
            // Once the member's word that the session ended has reached fleet (its channel's close).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !pool.keptSftpOpen(target.key()));
            assertThat(pool.keepsSftp(target.key())).as("still in its place, to be found closed").isTrue();

            try (dev.fleet.exec.FileSession files = channel.files()) {
                files.upload(local, dest + ".2", 0, real -> null, n -> { });
            }
            try (SshPool.Lease lease = pool.lease(target);
                 SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
                assertThat(sftp.stat(dest + ".2").getSize()).isEqualTo(5);
            }
        }
    }

    private static Map<String, String> sessions(String stdout) {
        Map<String, String> found = new HashMap<>();
        Matcher m = SESSION.matcher(stdout);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }
}
