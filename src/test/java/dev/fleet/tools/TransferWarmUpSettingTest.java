package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.ssh.SshPool;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FLEET_TRANSFER_WARM_UP}: a long-lived server (the idle watcher started, as {@code fleet
 * serve} and the daemon start it) warms its transfer path after a connection to a member unless
 * the setting is off, and then starts nothing and opens no SFTP session on the member.
 */
class TransferWarmUpSettingTest {
    @TempDir
    Path tmp;

    @Test
    void onByDefaultTheFirstConnectionIsFollowedByTheWarmUp() throws Exception {
        try (Member member = new Member(tmp, Map.of())) {
            member.registerAndRun();
            await().atMost(Duration.ofSeconds(60)).until(() -> member.sshd.sftpSessions() > 0);
        }
    }

    @Test
    void offNothingIsWarmedAndTheMemberSeesNoSftpSession() throws Exception {
        await("another test's warm-up has ended").atMost(Duration.ofSeconds(30)).until(() -> !warmUpThreadRuns());
        try (Member member = new Member(tmp, Map.of("FLEET_TRANSFER_WARM_UP", "off"))) {
            member.registerAndRun();
            // The warm-ups are queued while the connection is made, and their thread starts with
            // them: by now it would run. (The member sees SFTP only later, after the cipher's turn.)
            assertThat(warmUpThreadRuns()).isFalse();
            assertThat(member.sshd.sftpSessions()).isZero();
            assertThat(member.sshd.writtenFiles()).isEmpty();
        }
    }

    private static boolean warmUpThreadRuns() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(SshPool.TRANSFER_WARM_UP_THREAD));
    }

    /** A long-lived in-process fleet with the given settings, and a member on the in-process SSH server. */
    private static final class Member implements AutoCloseable {
        final FleetHarness fleet;
        final TestSshServer sshd;
        final Path key;
        final Path work;

        Member(Path tmp, Map<String, String> settings) throws Exception {
            fleet = new FleetHarness(tmp, settings);
            fleet.fleet.startIdleWatcher();
            sshd = new TestSshServer(fleet.home, tmp.resolve("sshd")).start();
            key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
            TestKeys.authorize(fleet.home, key);
            work = tmp.resolve("remote-work");
        }

        void registerAndRun() {
            ToolResult registered = fleet.call("register_member", "friendly_name", "box", "member_type", "remote",
                    "host", "127.0.0.1", "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key",
                    "key_path", key.toString(), "work_folder", work.toString());
            assertThat(registered.isError()).as(registered.text()).isFalse();
            ToolResult ran = fleet.call("execute_command", "member_name", "box", "command", "echo hi");
            assertThat(ran.text()).as(ran.text()).contains("hi");
        }

        @Override
        public void close() throws Exception {
            fleet.close();
            sshd.close();
        }
    }
}
