package dev.fleet.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FleetCommand;
import dev.fleet.testing.TestHome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire itself, for the standalone server and through the relay to the daemon: stdout carries
 * JSON-RPC only, bad lines are answered and the session carries on, and shutdown_server ends the
 * process after answering.
 */
class RawProtocolIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    @TempDir
    Path tmp;
    TestHome home;

    @AfterEach
    void stopDaemon() throws Exception {
        if (home != null) {
            FleetCommand.stopDaemon(home.env());
        }
    }

    private Process start(String mode) throws Exception {
        home = new TestHome(tmp);
        List<String> cmd = new ArrayList<>(List.of(FleetCommand.java(), "-jar", System.getProperty("fleet.jar"), "serve"));
        if (mode.equals("standalone")) {
            cmd.add("--standalone");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(home.env());
        pb.redirectError(tmp.resolve("stderr.log").toFile());
        return pb.start();
    }

    private static void send(OutputStream in, String... lines) throws Exception {
        for (String line : lines) {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        in.flush();
    }

    /** Every stdout line, parsed (a non-JSON line fails the test), as it arrives. */
    private static BlockingQueue<JsonNode> replies(Process p) {
        BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    queue.add(JSON.readTree(line));
                }
            } catch (Exception e) {
                queue.add(JSON.createObjectNode().put("stdout-problem", String.valueOf(e.getMessage())));
            }
        }, "raw-stdout");
        t.setDaemon(true);
        t.start();
        return queue;
    }

    private static JsonNode next(BlockingQueue<JsonNode> replies) throws InterruptedException {
        JsonNode r = replies.poll(90, TimeUnit.SECONDS);
        assertThat(r).as("an answer within 90 s").isNotNull();
        assertThat(r.has("stdout-problem")).as("stdout carries JSON-RPC only: %s", r).isFalse();
        return r;
    }

    /**
     * A client that drops a call's id, or encodes its arguments twice, must not get a password into
     * the server's log or an answer: the MCP SDK would log either message whole (and answer the
     * second with the text that failed to parse).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "relay"})
    void aPasswordInAMalformedCallReachesNeitherAnAnswerNorTheLog(String mode) throws Exception {
        Process p = start(mode);
        try {
            OutputStream in = p.getOutputStream();
            BlockingQueue<JsonNode> replies = replies(p);
            send(in, INIT, INITIALIZED,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\",\"arguments\":"
                            + "{\"friendly_name\":\"r\",\"member_type\":\"remote\",\"host\":\"127.0.0.1\",\"username\":\"u\","
                            + "\"auth_type\":\"password\",\"password\":\"Secret-Pass-0001\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\","
                            + "\"arguments\":\"{\\\"friendly_name\\\":\\\"r\\\",\\\"password\\\":\\\"Secret-Pass-0002\\\"}\"}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2,"
                            + "\"reason\":\"Secret-Pass-0003\"}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            assertThat(next(replies).get("id").asInt()).isEqualTo(1);
            JsonNode doubleEncoded = next(replies);
            assertThat(doubleEncoded.get("id").asInt()).isEqualTo(2);
            assertThat(doubleEncoded.get("error").get("code").asInt()).isEqualTo(-32602);
            assertThat(doubleEncoded.toString()).contains("arguments").doesNotContain("Secret-Pass");
            JsonNode ping = next(replies);
            assertThat(ping.get("id").asInt()).isEqualTo(3);
            assertThat(ping.has("result")).isTrue();
            in.close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(replies.poll(1, TimeUnit.SECONDS)).as("nothing else answered").isNull();
        } finally {
            p.destroyForcibly();
        }
        String log = java.nio.file.Files.readString(tmp.resolve("stderr.log"));
        java.nio.file.Path daemonLog = home.dataDir().resolve("daemon.log");
        if (mode.equals("relay")) {
            FleetCommand.stopDaemon(home.env());
            log += java.nio.file.Files.readString(daemonLog);
        }
        assertThat(log).doesNotContain("Secret-Pass");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "relay"})
    void badLinesAreAnsweredWithJsonRpcErrorsAndEveryValidRequestIsAnswered(String mode) throws Exception {
        Process p = start(mode);
        try {
            OutputStream in = p.getOutputStream();
            BlockingQueue<JsonNode> replies = replies(p);
            String work = tmp.resolve("w").toString();
            send(in, INIT, INITIALIZED,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\",\"arguments\":"
                            + "{\"friendly_name\":\"w\",\"member_type\":\"local\",\"work_folder\":\"" + work + "\"}}}");
            assertThat(next(replies).get("id").asInt()).isEqualTo(1);
            assertThat(next(replies).get("id").asInt()).isEqualTo(2);

            // A slow call is in flight while the bad lines arrive: its answer must not be lost.
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_command\",\"arguments\":"
                            + "{\"member_name\":\"w\",\"command\":\"sleep 2; echo slow-done\"}}}",
                    "this is not json",
                    "{\"jsonrpc\":\"2.0\",\"id\":10}",
                    "[1,2,3]",
                    "{\"jsonrpc\":\"1.0\",\"id\":11,\"method\":\"ping\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":{\"not\":\"an id\"},\"method\":\"ping\"}",
                    "{\"id\":12,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"ping\",\"params\":\"text\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":14,",
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"list_members\",\"arguments\":{}}}");

            Map<String, JsonNode> answers = new HashMap<>();
            List<JsonNode> anonymous = new ArrayList<>();
            while (!answers.keySet().containsAll(List.of("3", "4", "5", "6", "10", "11", "12", "13")) || anonymous.size() < 4) {
                JsonNode r = next(replies);
                if (r.get("id").isNull()) {
                    anonymous.add(r);
                } else {
                    answers.put(r.get("id").asText(), r);
                }
            }
            for (String invalid : List.of("10", "11", "12", "13")) {
                assertThat(answers.get(invalid).get("error").get("code").asInt()).as("id " + invalid).isEqualTo(-32600);
            }
            // "this is not json" and the cut-off line are parse errors; the array and the object id invalid requests.
            assertThat(anonymous).extracting(r -> r.get("error").get("code").asInt())
                    .containsExactlyInAnyOrder(-32700, -32700, -32600, -32600);
            assertThat(answers.get("3").get("result").get("content").get(0).get("text").asText()).contains("slow-done");
            assertThat(answers.get("4").has("result")).isTrue();
            assertThat(answers.get("5").get("result").get("tools").size()).isGreaterThan(10);
            assertThat(answers.get("6").get("result").get("content").get(0).get("text").asText()).contains("w");
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "relay"})
    void stdoutIsProtocolOnlyAndShutdownEndsTheProcessAfterTheReply(String mode) throws Exception {
        Process p = start(mode);
        try {
            OutputStream in = p.getOutputStream();
            String work = tmp.resolve("w").toString();
            send(in, INIT, INITIALIZED,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\",\"arguments\":{\"friendly_name\":\"w\",\"member_type\":\"local\",\"work_folder\":\"" + work + "\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_command\",\"arguments\":{\"member_name\":\"w\",\"command\":\"echo to-stdout; echo to-stderr >&2\"}}}");
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<JsonNode> replies = new ArrayList<>();
            while (replies.size() < 3) {
                String line = out.readLine();
                assertThat(line).as("server closed stdout early").isNotNull();
                replies.add(JSON.readTree(line)); // any non-JSON line on stdout fails here
            }
            assertThat(replies).allSatisfy(r -> assertThat(r.get("jsonrpc").asText()).isEqualTo("2.0"));

            send(in, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"shutdown_server\",\"arguments\":{}}}");
            JsonNode bye = JSON.readTree(out.readLine());
            assertThat(bye.get("id").asInt()).isEqualTo(4);
            assertThat(bye.get("result").get("content").get(0).get("text").asText()).contains("shutting down");
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("process exits after shutdown_server").isTrue();
            assertThat(out.readLine()).isNull();
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "relay"})
    void requestsPipedInBeforeEndOfInputAreAllAnswered(String mode) throws Exception {
        Process p = start(mode);
        try {
            String work = tmp.resolve("piped").toString();
            String script = String.join("\n", INIT, INITIALIZED,
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\",\"arguments\":{\"friendly_name\":\"p\",\"member_type\":\"local\",\"work_folder\":\"" + work + "\"}}}") + "\n";
            try (OutputStream in = p.getOutputStream()) {
                in.write(script.getBytes(StandardCharsets.UTF_8));
            }
            String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits once everything is answered").isTrue();
            assertThat(all.lines().map(l -> {
                try {
                    return JSON.readTree(l).get("id").asInt();
                } catch (Exception e) {
                    throw new AssertionError("not JSON on stdout: " + l);
                }
            }).toList()).containsExactlyInAnyOrder(1, 2, 3);
        } finally {
            p.destroyForcibly();
        }
    }
}
