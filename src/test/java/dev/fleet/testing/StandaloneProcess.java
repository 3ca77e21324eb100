package dev.fleet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built server run as its own process ({@code serve --standalone}) with JVM options of the
 * test's choosing (what FLEET_JAVA_OPTS passes), asked one tool call over stdio by a bare JSON-RPC
 * client; its stderr goes to a file the test reads afterwards.
 */
public final class StandaloneProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private StandaloneProcess() {
    }

    /** The call's JSON-RPC result ({@code content}, {@code isError}, …). */
    public static JsonNode call(Map<String, String> env, List<String> jvmOptions, Path stderr, String tool, ObjectNode arguments)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(FleetCommand.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", System.getProperty("fleet.jar"), "serve", "--standalone"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String request = JSON.writeValueAsString(JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 2)
                    .put("method", "tools/call").set("params", JSON.createObjectNode().put("name", tool).set("arguments", arguments)));
            OutputStream in = p.getOutputStream();
            in.write((INIT + "\n" + INITIALIZED + "\n" + request + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            JsonNode init = JSON.readTree(out.readLine());
            if (init.path("id").asInt() != 1) {
                throw new AssertionError("no initialize answer: " + init);
            }
            JsonNode answer = JSON.readTree(out.readLine());
            if (answer.path("id").asInt() != 2) {
                throw new AssertionError("no answer to the call: " + answer);
            }
            in.close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the server did not exit after its input closed");
            }
            return answer.get("result");
        } finally {
            p.destroyForcibly();
        }
    }

    /** register_member's arguments for a password member of the in-process SSH server. */
    public static ObjectNode passwordMember(TestSshServer sshd, String name, Path workFolder) {
        return JSON.createObjectNode().put("friendly_name", name).put("member_type", "remote").put("host", "127.0.0.1")
                .put("port", sshd.port()).put("username", TestSshServer.USER).put("auth_type", "password")
                .put("password", TestSshServer.PASSWORD).put("work_folder", workFolder.toString());
    }
}
