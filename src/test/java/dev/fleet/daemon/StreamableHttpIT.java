package dev.fleet.daemon;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FleetCommand;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.TestHome;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's Streamable HTTP endpoint through the MCP Java SDK's HTTP client, and raw requests it must refuse. */
class StreamableHttpIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    TestHome home;
    Map<String, String> env;
    Process daemon;
    String url;
    String token;

    @BeforeEach
    void startDaemon() throws Exception {
        home = new TestHome(tmp);
        env = home.env();
        ProcessBuilder pb = new ProcessBuilder(FleetCommand.java(), "-jar", System.getProperty("fleet.jar"), "daemon",
                "--http", "127.0.0.1:0", "--idle-exit", "0");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.out").toFile());
        daemon = pb.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> FleetCommand.run(env, "daemon", "status").out().contains("http: http"));
        Matcher m = Pattern.compile("http: (http://\\S+)").matcher(FleetCommand.run(env, "daemon", "status").out());
        assertThat(m.find()).isTrue();
        url = m.group(1);
        Path tokenFile = home.dataDir().resolve("http-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        token = Files.readString(tokenFile).strip();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        FleetCommand.stopDaemon(env);
        if (daemon != null && !daemon.waitFor(30, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
        }
    }

    private McpSyncClient client(List<McpSchema.ProgressNotification> progress) {
        URI u = URI.create(url);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(u.getScheme() + "://" + u.getAuthority())
                .endpoint(u.getPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).progressConsumer(progress::add).build();
    }

    private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void toolsAndProgressOverHttpShareTheFleetWithStdioRelays() throws Exception {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient http = client(progress);
        try {
            McpSchema.InitializeResult init = http.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("apra-fleet");
            assertThat(http.listTools().tools()).extracting(McpSchema.Tool::name).contains("register_member", "send_files");
            Path work = tmp.resolve("work");
            McpSchema.CallToolResult reg = http.callTool(new McpSchema.CallToolRequest("register_member",
                    Map.of("friendly_name", "web", "member_type", "local", "work_folder", work.toString())));
            assertThat(reg.isError()).as(text(reg)).isFalse();

            Path src = Files.writeString(tmp.resolve("data.txt"), "over http");
            McpSchema.CallToolResult sent = http.callTool(new McpSchema.CallToolRequest("send_files",
                    Map.of("member_name", "web", "local_paths", List.of(src.toString())), Map.of("progressToken", "http-1")));
            assertThat(text(sent)).contains("Sent 1 of 1");
            assertThat(Files.readString(work.resolve("data.txt"))).isEqualTo("over http");
            await().atMost(Duration.ofSeconds(10)).until(() -> progress.stream().anyMatch(p -> "http-1".equals(p.progressToken())));

            FleetServer relay = new FleetServer(env, true);
            try {
                relay.client().initialize();
                assertThat(text(relay.call("list_members"))).as("one fleet behind both transports").contains("web");
            } finally {
                relay.disconnect();
            }
        } finally {
            http.closeGracefully();
        }
    }

    @Test
    void requestsWithoutTheTokenOrFromAForeignOriginAreRefused() throws Exception {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
        HttpResponse<String> noToken = post(init, Map.of());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(post(init, Map.of("Authorization", "Bearer wrong-" + token)).statusCode()).isEqualTo(401);

        HttpResponse<String> foreign = post(init, Map.of("Authorization", "Bearer " + token, "Origin", "http://evil.example.com"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Mcp-Session-Id")).isEmpty();

        HttpResponse<String> local = post(init, Map.of("Authorization", "Bearer " + token, "Origin", "http://localhost:3000"));
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.headers().firstValue("Mcp-Session-Id")).isPresent();
    }

    @Test
    void aMalformedBodyIsAnsweredWithAJsonRpcErrorAndTheSessionCarriesOn() throws Exception {
        McpSyncClient http = client(new CopyOnWriteArrayList<>());
        try {
            http.initialize();
            Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
            HttpResponse<String> notJson = post("this is not json", auth);
            assertThat(notJson.statusCode()).isEqualTo(400);
            JsonNode parseError = JSON.readTree(notJson.body());
            assertThat(parseError.get("error").get("code").asInt()).isEqualTo(-32700);
            assertThat(parseError.get("id").isNull()).isTrue();
            HttpResponse<String> invalid = post("{\"jsonrpc\":\"2.0\",\"id\":10}", auth);
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(invalid.body()).get("error").get("code").asInt()).isEqualTo(-32600);
            assertThat(JSON.readTree(invalid.body()).get("id").asInt()).isEqualTo(10);

            assertThat(text(http.callTool(new McpSchema.CallToolRequest("list_members", Map.of())))).contains("No members");
        } finally {
            http.closeGracefully();
        }
    }
}
