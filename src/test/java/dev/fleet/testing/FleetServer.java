package dev.fleet.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** The built server (target/fleet.jar) as a subprocess, driven by the MCP Java SDK client. */
public final class FleetServer implements AutoCloseable {
    private final McpSyncClient client;
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

    public FleetServer(Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        client = McpClient.sync(new StdioClientTransport(ServerParameters.builder(java)
                        .args("-jar", System.getProperty("fleet.jar"), "serve").env(env).build(),
                        new JacksonMcpJsonMapper(new ObjectMapper())))
                .requestTimeout(Duration.ofSeconds(120))
                .initializationTimeout(Duration.ofSeconds(60))
                .progressConsumer(progress::add)
                .build();
    }

    public McpSyncClient client() {
        return client;
    }

    public List<McpSchema.ProgressNotification> progress() {
        return progress;
    }

    public McpSchema.CallToolResult call(String tool, Object... keyValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            args.put((String) keyValues[i], keyValues[i + 1]);
        }
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    public static String text(McpSchema.CallToolResult r) {
        return r.content().stream().map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        client.closeGracefully();
    }
}
