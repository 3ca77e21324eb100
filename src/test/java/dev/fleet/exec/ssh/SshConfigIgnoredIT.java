package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleet.testing.StandaloneProcess;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member is reached exactly as registered: the account's own {@code ~/.ssh/config} (which
 * OpenSSH reads, and which the SSH library would read by default) changes neither where fleet
 * connects nor which keys it offers. Here it sends 127.0.0.1 elsewhere; the member is reached all
 * the same. The server runs as its own process with that account home, so the test's JVM is not
 * bent.
 */
class SshConfigIgnoredIT {
    @TempDir
    Path tmp;

    @Test
    void theAccountsSshConfigChangesNothingOfHowAMemberIsReached() throws Exception {
        TestHome home = new TestHome(tmp);
        Path account = Files.createDirectories(tmp.resolve("account/.ssh"));
        Files.writeString(account.resolve("config"), "Host 127.0.0.1\n  HostName 127.0.0.9\n  Port 9\n  User nobody\n"
                + "  IdentityFile " + account.resolve("id_missing") + "\n");
        try (TestSshServer sshd = new TestSshServer(home, tmp.resolve("sshd"), tmp.resolve("member-home")).start()) {
            JsonNode registered = StandaloneProcess.call(home.env(), List.of("-Duser.home=" + account.getParent()),
                    tmp.resolve("stderr.log"), "register_member", StandaloneProcess.passwordMember(sshd, "pw",
                            tmp.resolve("member-home/work")));
            assertThat(registered.get("isError").asBoolean()).as(registered.toString()).isFalse();
        }
    }
}
