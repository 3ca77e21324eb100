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

/**
 * The built server (target/fleet.jar) as a subprocess, driven by the MCP Java SDK client. By
 * default it runs standalone ({@code serve --standalone}); with {@code -Dfleet.test.relay=true}
 * every suite that uses this fixture goes through the relay and the user's daemon instead.
 */
public final class FleetServer implements AutoCloseable {
    /** The switch that runs the end-to-end suites through the relay. */
    public static final boolean THROUGH_RELAY = Boolean.getBoolean("fleet.test.relay");

    private final McpSyncClient client;
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    private final Map<String, String> env;
    private final boolean relay;

    public FleetServer(Map<String, String> env) {
        this(env, THROUGH_RELAY);
    }

    /** @param relay through {@code fleet serve} and the daemon, else {@code fleet serve --standalone} */
    public FleetServer(Map<String, String> env, boolean relay) {
        this(env, relay, System.getProperty("fleet.jar"));
    }

    /** @param jar which build of fleet to run (tests of version mismatch run another one) */
    public FleetServer(Map<String, String> env, boolean relay, String jar) {
        this.env = env;
        this.relay = relay;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = relay ? List.of("-jar", relayJar(jar), "serve") : List.of("-jar", jar, "serve", "--standalone");
        client = McpClient.sync(new OneSenderTransport(new StdioClientTransport(ServerParameters.builder(java)
                        .args(args).env(env).build(),
                        new JacksonMcpJsonMapper(new ObjectMapper()))))
                // The longest call a suite makes (a 200 s synchronous command) must fit.
                .requestTimeout(Duration.ofSeconds(300))
                .initializationTimeout(Duration.ofSeconds(60))
                .progressConsumer(progress::add)
                .build();
    }

    /** What the launcher runs for {@code fleet serve}: fleet-relay.jar beside the jar, where the build made one. */
    public static String relayJar(String jar) {
        Path relay = Path.of(jar).resolveSibling("fleet-relay.jar");
        return java.nio.file.Files.isRegularFile(relay) ? relay.toString() : jar;
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

    /** Ends this client only; a daemon stays up (it exits on its own when idle). */
    public void disconnect() {
        client.closeGracefully();
    }

    /** Ends this client; through the relay, also stops the daemon this test started. */
    @Override
    public void close() {
        client.closeGracefully();
        if (relay) {
            try {
                FleetCommand.stopDaemon(env);
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the test's fleet daemon", e);
            }
        }
    }
}
