package dev.fleet.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.Fleet;
import dev.fleet.Version;
import dev.fleet.tools.ToolRunner;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP stdio server: wires fleet's tools into the MCP Java SDK. stdout carries protocol
 * messages only; logs go to stderr.
 */
public final class McpFleetServer {
    public static final String SERVER_NAME = "apra-fleet";
    private static final Logger log = LoggerFactory.getLogger(McpFleetServer.class);
    private static final long SHUTDOWN_GRACE_MS = 300;

    private McpFleetServer() {
    }

    /**
     * Starts serving and returns; the SDK's transport threads keep the process alive until stdin
     * closes or shutdown_server is called.
     */
    public static void serve(Map<String, String> env) {
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        DrainingInput stdin = new DrainingInput(System.in);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(json, stdin, System.out);
        AtomicReference<McpSyncServer> server = new AtomicReference<>();
        AtomicReference<Fleet> fleetRef = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        Fleet fleet = new Fleet(env, Clock.systemUTC(), () -> {
            if (stopping.compareAndSet(false, true)) {
                stopLater(server, fleetRef);
            }
        });
        fleetRef.set(fleet);
        List<McpServerFeatures.SyncToolSpecification> specs = fleet.tools().listings().stream()
                .map(t -> spec(t, fleet, stdin))
                .toList();
        server.set(McpServer.sync(transport)
                .serverInfo(SERVER_NAME, Version.get())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                // Fleet validates inputs itself, with messages that name the parameter and the rule.
                .validateToolInputs(false)
                .jsonSchemaValidator(new SchemaValidationOff())
                .jsonMapper(json)
                .tools(specs)
                .build());
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "fleet-shutdown"));
        fleet.startIdleWatcher();
        log.info("apra-fleet {} serving on stdio; data in {}", Version.get(), fleet.dataDir().root());
    }

    private static McpServerFeatures.SyncToolSpecification spec(ToolRunner.Listing tool, Fleet fleet, DrainingInput stdin) {
        McpSchema.Tool definition = McpSchema.Tool.builder()
                .name(tool.name())
                .description(tool.description())
                .inputSchema(tool.tool().params().jsonSchema())
                .build();
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(definition)
                .callHandler((exchange, request) -> {
                    stdin.started();
                    ToolResult r;
                    try {
                        r = fleet.tools().run(tool.name(), request.arguments(), progress(exchange, request));
                    } finally {
                        stdin.finished();
                    }
                    McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder()
                            .content(List.of(new McpSchema.TextContent(r.text())))
                            .isError(r.isError());
                    if (r.structured() != null) {
                        b.structuredContent(r.structured());
                    }
                    return b.build();
                })
                .build();
    }

    private static ToolCall progress(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        if (token == null) {
            return ToolCall.NONE;
        }
        return (done, total, message) -> {
            try {
                exchange.progressNotification(new McpSchema.ProgressNotification(token, done, total, message));
            } catch (RuntimeException e) {
                log.debug("progress notification not delivered: {}", e.getMessage());
            }
        };
    }

    /** Lets the reply reach the client, then closes everything and exits. */
    private static void stopLater(AtomicReference<McpSyncServer> server, AtomicReference<Fleet> fleet) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(SHUTDOWN_GRACE_MS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            log.info("shutdown requested by shutdown_server");
            fleet.get().close();
            McpSyncServer s = server.get();
            if (s != null) {
                s.closeGracefully();
            }
            System.exit(0);
        }, "fleet-stop");
        t.setDaemon(true);
        t.start();
    }
}
