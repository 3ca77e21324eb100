package dev.fleet.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.testing.FleetCommand;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.StandaloneProcess;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** The same through the daemon (started by hand with the debug options, as a service might be) and a relay. */
    @Test
    void aPasswordRegisteredThroughTheDaemonAskedToLogAtDebugIsNowhereInItsLog() throws Exception {
        TestHome home = new TestHome(tmp);
        Path daemonLog = tmp.resolve("daemon-output.log");
        ProcessBuilder pb = new ProcessBuilder(FleetCommand.java(), "-Dorg.slf4j.simpleLogger.log.io.modelcontextprotocol=debug",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace", "-jar", System.getProperty("fleet.jar"), "daemon", "--idle-exit", "0");
        pb.environment().putAll(home.env());
        pb.redirectErrorStream(true);
        pb.redirectOutput(daemonLog.toFile());
        Process daemon = pb.start();
        try (TestSshServer sshd = new TestSshServer(home, tmp.resolve("sshd"), tmp.resolve("member-home")).start()) {
            Path socket = home.dataDir().resolve("fleet.sock");
            for (int i = 0; i < 600 && !Files.exists(socket) && daemon.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertThat(socket).as("the daemon serves; its output: " + Files.readString(daemonLog)).exists();
            try (FleetServer fleet = new FleetServer(home.env(), true)) {
                fleet.client().initialize();
                ObjectNode member = StandaloneProcess.passwordMember(sshd, "pw", tmp.resolve("member-home/work"));
                List<Object> keyValues = new ArrayList<>();
                member.fields().forEachRemaining(e -> {
                    keyValues.add(e.getKey());
                    keyValues.add(e.getValue().isNumber() ? (Object) e.getValue().asInt() : e.getValue().asText());
                });
                McpSchema.CallToolResult registered = fleet.call("register_member", keyValues.toArray());
                assertThat(registered.isError()).as(FleetServer.text(registered)).isFalse();
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
            daemon.destroyForcibly();
        }
        String log = Files.readString(daemonLog);
        assertThat(log).contains("fleet: logging that would print passwords and keys stays off: ")
                .doesNotContain(TestSshServer.PASSWORD);
        assertThat(log).as("other loggers still log as asked").contains("DEBUG ");
    }
}
