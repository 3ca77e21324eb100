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
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet's MCP face: one set of tool handlers over one {@link Fleet}, served on any of fleet's
 * transports (stdio, relay connections, Streamable HTTP). stdout is never written here.
 */
public final class FleetMcp {
    private static final Logger log = LoggerFactory.getLogger(FleetMcp.class);

    private final Fleet fleet;
    private final SessionStopper stopper;
    private final JacksonMcpJsonMapper json;
    private final JsonRpcGate gate;
    private final CallCounter calls;
    private final List<Consumer<String>> sessionEnders = new CopyOnWriteArrayList<>();
    private final List<McpServerFeatures.SyncToolSpecification> specs;

    /** @param stopper the one {@code fleet} was built with, so shutdown_server ends the caller's session */
    public FleetMcp(Fleet fleet, SessionStopper stopper, Clock clock) {
        this.fleet = fleet;
        this.stopper = stopper;
        ObjectMapper mapper = new ObjectMapper();
        this.json = new JacksonMcpJsonMapper(mapper);
        this.gate = new JsonRpcGate(mapper);
        this.calls = new CallCounter(clock);
        this.specs = fleet.tools().listings().stream().map(this::spec).toList();
    }

    public JsonRpcGate gate() {
        return gate;
    }

    public JacksonMcpJsonMapper json() {
        return json;
    }

    public CallCounter calls() {
        return calls;
    }

    /** An MCP server over line sessions (stdio or relay connections). */
    public McpSyncServer serve(LineSessions sessions) {
        sessionEnders.add(sessions::end);
        return configure(McpServer.sync(sessions)).build();
    }

    /** An MCP server over Streamable HTTP; {@code endSession} closes one HTTP session after its answer. */
    public McpSyncServer serve(McpStreamableServerTransportProvider http, Consumer<String> endSession) {
        sessionEnders.add(endSession);
        return configure(McpServer.sync(http)).build();
    }

    public LineSessions lineSessions() {
        return new LineSessions(gate, json);
    }

    private <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> configure(McpServer.SyncSpecification<S> spec) {
        return spec.serverInfo(McpFleetServer.SERVER_NAME, Version.get())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                // Fleet validates inputs itself, with messages that name the parameter and the rule.
                .validateToolInputs(false)
                .jsonSchemaValidator(new SchemaValidationOff())
                .jsonMapper(json)
                .tools(specs);
    }

    private McpServerFeatures.SyncToolSpecification spec(ToolRunner.Listing tool) {
        McpSchema.Tool definition = McpSchema.Tool.builder()
                .name(tool.name())
                .description(tool.description())
                .inputSchema(tool.tool().params().jsonSchema())
                .build();
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(definition)
                .callHandler((exchange, request) -> {
                    calls.started();
                    ToolResult r;
                    try {
                        String session = exchange.sessionId();
                        r = stopper.during(() -> endSession(session),
                                () -> fleet.tools().run(tool.name(), request.arguments(), progress(exchange, request)));
                    } finally {
                        calls.finished();
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

    private void endSession(String sessionId) {
        log.info("session ends on shutdown_server");
        sessionEnders.forEach(e -> e.accept(sessionId));
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
}
