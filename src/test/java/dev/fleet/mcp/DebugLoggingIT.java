package dev.fleet.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FleetCommand;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who turns the MCP SDK's debug logging on (FLEET_JAVA_OPTS passes -D options to the
 * server's JVM) must not get every password and API key of every call on stderr.
 */
class DebugLoggingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    @TempDir
    Path tmp;

    @Test
    void aPasswordRegisteredWithTheSdkAskedToLogAtDebugIsNowhereOnStderr() throws Exception {
        TestHome home = new TestHome(tmp);
        Path stderr = tmp.resolve("stderr.log");
        try (TestSshServer sshd = new TestSshServer(home, tmp.resolve("sshd"), tmp.resolve("member-home")).start()) {
            ProcessBuilder pb = new ProcessBuilder(List.of(FleetCommand.java(),
                    "-Dorg.slf4j.simpleLogger.log.io.modelcontextprotocol=debug",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                    "-jar", System.getProperty("fleet.jar"), "serve", "--standalone"));
            pb.environment().putAll(home.env());
            pb.redirectError(stderr.toFile());
            Process p = pb.start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                OutputStream in = p.getOutputStream();
                String register = JSON.writeValueAsString(JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 2)
                        .put("method", "tools/call").set("params", JSON.createObjectNode().put("name", "register_member")
                                .set("arguments", JSON.createObjectNode().put("friendly_name", "pw").put("member_type", "remote")
                                        .put("host", "127.0.0.1").put("port", sshd.port()).put("username", TestSshServer.USER)
                                        .put("auth_type", "password").put("password", TestSshServer.PASSWORD)
                                        .put("work_folder", tmp.resolve("member-home/work").toString()))));
                in.write((INIT + "\n" + INITIALIZED + "\n" + register + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                assertThat(JSON.readTree(out.readLine()).get("id").asInt()).isEqualTo(1);
                JsonNode registered = JSON.readTree(out.readLine());
                assertThat(registered.get("id").asInt()).isEqualTo(2);
                assertThat(registered.get("result").get("isError").asBoolean()).as(registered.toString()).isFalse();
                in.close();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
        }
        String log = Files.readString(stderr);
        assertThat(log).doesNotContain(TestSshServer.PASSWORD);
        assertThat(log).as("the user is told why the debug logging did not come")
                .startsWith("fleet: logging that would print passwords and keys stays off: ")
                .contains("io.modelcontextprotocol at warn (asked: debug)");
        assertThat(log).as("other loggers still log as asked").contains("DEBUG ", "INFO McpFleetServer");
    }
}
