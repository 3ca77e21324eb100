package dev.fleet.mcp;

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
 * A user who turns the MCP SDK's debug logging on (FLEET_JAVA_OPTS passes -D options to the
 * server's JVM) must not get every password and API key of every call on stderr.
 */
class DebugLoggingIT {
    @TempDir
    Path tmp;

    @Test
    void aPasswordRegisteredWithTheSdkAskedToLogAtDebugIsNowhereOnStderr() throws Exception {
        TestHome home = new TestHome(tmp);
        Path stderr = tmp.resolve("stderr.log");
        try (TestSshServer sshd = new TestSshServer(home, tmp.resolve("sshd"), tmp.resolve("member-home")).start()) {
            JsonNode registered = StandaloneProcess.call(home.env(), List.of("-Dorg.slf4j.simpleLogger.log.io.modelcontextprotocol=debug",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"), stderr, "register_member",
                    StandaloneProcess.passwordMember(sshd, "pw", tmp.resolve("member-home/work")));
            assertThat(registered.get("isError").asBoolean()).as(registered.toString()).isFalse();
        }
        String log = Files.readString(stderr);
        assertThat(log).doesNotContain(TestSshServer.PASSWORD);
        assertThat(log).as("the user is told why the debug logging did not come")
                .startsWith("fleet: logging that would print passwords and keys stays off: ")
                .contains("io.modelcontextprotocol at warn (asked: debug)");
        assertThat(log).as("other loggers still log as asked").contains("DEBUG ", "INFO McpFleetServer");
    }
}
