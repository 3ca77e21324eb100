package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.io.OutputStream;
import java.nio.file.Files;
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

    /** A pool and a channel to the test sshd, under a key and folders of their own. */
    private record Reached(SshTarget target, SshPool pool, SshChannel channel) implements AutoCloseable {
        /** The member's SFTP sessions now, by process id, with their counters. */
        Map<String, String> sessions() throws Exception {
            String listing = OsCommands.forOs(MemberOs.LINUX).transfersAndLogins(30).orElseThrow();
            return SftpSessionCountersOpenSshIT.sessions(channel.exec(CommandRequest.probe(listing, Duration.ofSeconds(10))).stdout());
        }

        /** The SFTP sessions that are there now and were not in {@code before}. */
        Map<String, String> newSince(Map<String, String> before) throws Exception {
            Map<String, String> now = sessions();
            now.keySet().removeAll(before.keySet());
            return now;
        }

        /** Sends {@code local} to {@code dest} as a transfer call does: one batch, its session kept after it. */
        void send(Path local, String dest) throws Exception {
            try (dev.fleet.exec.FileSession files = channel.files()) {
                files.upload(local, dest, 0, real -> null, n -> { });
            }
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    private static Reached reach(String name) {
        Assumptions.assumeFalse(SSHD.get().sftpServer.equals("internal-sftp"),
                "this sshd serves SFTP in its own process (no sftp-server program found): no session process to list");
        SshTarget target = SSHD.get().target(name);
        SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts-" + name)), CLOCK, Duration.ofSeconds(10),
                Duration.ofMinutes(5));
        SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX),
                new SpillFiles(tmp.resolve("out-" + name), CLOCK));
        return new Reached(target, pool, channel);
    }

    @Test
    void anSftpSessionIsListedWithCountersThatMoveWithItsData() throws Exception {
        try (Reached m = reach("counters")) {
            Map<String, String> before = m.sessions();
            try (SshPool.Lease lease = m.pool().lease(m.target());
                 SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
                sftp.stat(SSHD.get().home.toString());
                Map<String, String> open = m.newSince(before);
                assertThat(open).as("the new session's sftp-server").hasSize(1);
                String pid = open.keySet().iterator().next();
                assertThat(open.get(pid)).as("its counters, readable by its user").matches("[0-9]+/[0-9]+/");

                try (OutputStream out = sftp.write(SSHD.get().home.resolve("counted-" + System.nanoTime() + ".bin").toString())) {
                    out.write(new byte[256 * 1024]);
                }
                assertThat(m.sessions().get(pid)).as("counters after 256 KiB went through it").matches("[0-9]+/[0-9]+/")
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
        try (Reached m = reach("kept")) {
            Map<String, String> before = m.sessions();
            m.send(Files.writeString(tmp.resolve("kept.txt"), "kept"), SSHD.get().home.resolve("kept-" + System.nanoTime() + ".txt").toString());
            assertThat(m.pool().keepsSftp(m.target().key())).isTrue();
            Map<String, String> kept = m.newSince(before);
            assertThat(kept).as("the kept session's sftp-server").hasSize(1);

            m.channel().endKeptFileSession();

            assertThat(m.sessions()).as("sftp-servers once the kept session was ended").doesNotContainKeys(kept.keySet().toArray(String[]::new));
            assertThat(m.pool().keepsSftp(m.target().key())).isFalse();
        }
    }

    /**
     * A kept session whose {@code sftp-server} ended on the member (killed, or the member's own
     * limit closed it) is not handed to the next transfer once the member's word of it has
     * arrived: that one opens a new session and copies.
     */
    @Test
    void aKeptSessionThatEndedOnTheMemberIsNotHandedOn() throws Exception {
        try (Reached m = reach("killed")) {
            Map<String, String> before = m.sessions();
            Path local = Files.writeString(tmp.resolve("killed.txt"), "again");
            String dest = SSHD.get().home.resolve("killed-" + System.nanoTime() + ".txt").toString();
            m.send(local, dest);
            Map<String, String> kept = m.newSince(before);
            assertThat(kept).hasSize(1);
            m.channel().exec(CommandRequest.probe("kill " + kept.keySet().iterator().next(), Duration.ofSeconds(10)));
            // Once the member's word that the session ended has reached fleet (its channel's close).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !m.pool().keptSftpOpen(m.target().key()));
            assertThat(m.pool().keepsSftp(m.target().key())).as("still in its place, to be found closed").isTrue();

            m.send(local, dest + ".2");
            try (SshPool.Lease lease = m.pool().lease(m.target());
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
