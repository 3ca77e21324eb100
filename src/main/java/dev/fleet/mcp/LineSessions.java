package dev.fleet.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's view of fleet's line-based sessions: one for a standalone server's stdio, one per
 * relay connection in the daemon. Sessions come and go while the server stays.
 */
public final class LineSessions implements McpServerTransportProvider {
    private final JsonRpcGate gate;
    private final McpJsonMapper json;
    private final Map<String, LineSession> open = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile McpServerSession.Factory factory;

    public LineSessions(JsonRpcGate gate, McpJsonMapper json) {
        this.gate = gate;
        this.json = json;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        this.factory = sessionFactory;
    }

    /**
     * Starts a session on these streams; {@code onClosed} runs once when it ends (input ended and
     * answered, shutdown_server, or the connection failed).
     */
    public LineSession open(InputStream in, OutputStream out, Closeable connection, String farewell,
                            Consumer<LineSession> onClosed) {
        if (factory == null) {
            throw new IllegalStateException("the MCP server is not built yet");
        }
        LineSession s = new LineSession(gate, json, in, out, connection, farewell, closed -> {
            open.remove(closed.id());
            onClosed.accept(closed);
        });
        s.attach(factory);
        open.put(s.id(), s);
        s.startReading("fleet-session-" + opened.incrementAndGet());
        return s;
    }

    /** Ends one session after its answers are out (shutdown_server); unknown ids are ignored. */
    public void end(String sessionId) {
        LineSession s = open.get(sessionId);
        if (s != null) {
            s.endAfterAnswers();
        }
    }

    public boolean owns(String sessionId) {
        return open.containsKey(sessionId);
    }

    public int count() {
        return open.size();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Flux.fromIterable(List.copyOf(open.values()))
                .flatMap(s -> s.notifyClient(method, params).onErrorResume(e -> Mono.empty()))
                .then();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> List.copyOf(open.values()).forEach(LineSession::close));
    }
}
