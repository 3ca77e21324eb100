package dev.fleet.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.TestHome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire itself: stdout carries JSON-RPC only, and shutdown_server ends the process after answering. */
class RawProtocolIT {
    @TempDir
    Path tmp;

    @Test
    void stdoutIsProtocolOnlyAndShutdownEndsTheProcessAfterTheReply() throws Exception {
        TestHome home = new TestHome(tmp);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fleet.jar"), "serve");
        pb.environment().putAll(home.env());
        pb.redirectError(tmp.resolve("stderr.log").toFile());
        Process p = pb.start();
        try {
            OutputStream in = p.getOutputStream();
            String work = tmp.resolve("w").toString();
            for (String line : List.of(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\",\"arguments\":{\"friendly_name\":\"w\",\"member_type\":\"local\",\"work_folder\":\"" + work + "\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_command\",\"arguments\":{\"member_name\":\"w\",\"command\":\"echo to-stdout; echo to-stderr >&2\"}}}")) {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> replies = new ArrayList<>();
            while (replies.size() < 3) {
                String line = out.readLine();
                assertThat(line).as("server closed stdout early").isNotNull();
                replies.add(json.readTree(line)); // any non-JSON line on stdout fails here
            }
            assertThat(replies).allSatisfy(r -> assertThat(r.get("jsonrpc").asText()).isEqualTo("2.0"));

            in.write("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"shutdown_server\",\"arguments\":{}}}\n"
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            JsonNode bye = json.readTree(out.readLine());
            assertThat(bye.get("id").asInt()).isEqualTo(4);
            assertThat(bye.get("result").get("content").get(0).get("text").asText()).contains("shutting down");
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("process exits after shutdown_server").isTrue();
            assertThat(out.readLine()).isNull();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void requestsPipedInBeforeEndOfInputAreAllAnswered() throws Exception {
        TestHome home = new TestHome(tmp);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fleet.jar"), "serve");
        pb.environment().putAll(home.env());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            String work = tmp.resolve("piped").toString();
            String script = String.join("\n",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\",\"arguments\":{\"friendly_name\":\"p\",\"member_type\":\"local\",\"work_folder\":\"" + work + "\"}}}") + "\n";
            try (OutputStream in = p.getOutputStream()) {
                in.write(script.getBytes(StandardCharsets.UTF_8));
            }
            String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits once everything is answered").isTrue();
            assertThat(all.lines().map(l -> {
                try {
                    return new ObjectMapper().readTree(l).get("id").asInt();
                } catch (Exception e) {
                    throw new AssertionError("not JSON on stdout: " + l);
                }
            }).toList()).containsExactlyInAnyOrder(1, 2, 3);
        } finally {
            p.destroyForcibly();
        }
    }
}
