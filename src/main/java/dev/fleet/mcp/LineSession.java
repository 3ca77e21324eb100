package dev.fleet.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One MCP session over newline-delimited JSON on a pair of streams: stdin/stdout of a standalone
 * server, or one relay's socket connection to the daemon.
 *
 * <p>Every line passes the {@link JsonRpcGate} first, so a bad line is answered with a JSON-RPC
 * error and the session carries on (the SDK's own stdio transport ends the session instead).
 * When the input ends, the session stays open until every request already read has been
 * answered (bounded, so a hung call cannot keep an abandoned session forever), then closes.
 */
public final class LineSession implements McpServerTransport {
    private static final Logger log = LoggerFactory.getLogger(LineSession.class);
    private static final long DRAIN_LIMIT_MS = 60_000;
    private static final long END_LIMIT_MS = 5_000;

    private final JsonRpcGate gate;
    private final McpJsonMapper json;
    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;
    private final String farewell;
    private final Consumer<LineSession> onClosed;
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final Object answers = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile McpServerSession session;

    /**
     * @param connection closed last (the socket, or nothing for stdio)
     * @param farewell a line written before a deliberate end (shutdown_server), so a relay can tell
     *                 it from a crash; null to write nothing
     */
    LineSession(JsonRpcGate gate, McpJsonMapper json, InputStream in, OutputStream out, Closeable connection,
                String farewell, Consumer<LineSession> onClosed) {
        this.gate = gate;
        this.json = json;
        this.in = in;
        // A message and its line break leave in one write (the daemon's socket stream writes each
        // call through); writeLine flushes after every message.
        this.out = new BufferedOutputStream(out);
        this.connection = connection;
        this.farewell = farewell;
        this.onClosed = onClosed;
    }

    void attach(McpServerSession.Factory factory) {
        session = factory.create(this);
    }

    void startReading(String threadName) {
        Thread reader = new Thread(this::readAll, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    public String id() {
        return session.getId();
    }

    Mono<Void> notifyClient(String method, Object params) {
        return session.sendNotification(method, params);
    }

    /** Requests read but not answered yet. */
    int unanswered() {
        return unanswered.size();
    }

    private void readAll() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (!closed.get() && (line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    accept(line);
                }
            }
            awaitAnswers(DRAIN_LIMIT_MS);
        } catch (IOException e) {
            if (!closed.get()) {
                log.debug("session input ended: {}", e.getMessage());
            }
        } finally {
            close();
        }
    }

    private void accept(String line) {
        JsonRpcGate.Verdict verdict = gate.check(line);
        if (verdict instanceof JsonRpcGate.Rejected rejected) {
            log.warn("answered a malformed message with JSON-RPC error {}", rejected.code());
            writeLine(rejected.errorResponse());
            return;
        }
        if (verdict instanceof JsonRpcGate.Ignored) {
            log.debug("ignored a notification fleet does not handle");
            return;
        }
        JsonRpcGate.Accepted accepted = (JsonRpcGate.Accepted) verdict;
        if (accepted.requestId() != null) {
            unanswered.add(key(accepted.requestId()));
        }
        session.handle(accepted.message()).subscribe(null, e -> log.warn("message not handled: {}", e.getMessage()));
    }

    /** Ends the session once the requests in flight are answered (shutdown_server); bounded. */
    void endAfterAnswers() {
        Thread t = new Thread(() -> {
            awaitAnswers(END_LIMIT_MS);
            if (farewell != null) {
                writeLine(farewell);
            }
            close();
        }, "fleet-session-end");
        t.setDaemon(true);
        t.start();
    }

    private void awaitAnswers(long limitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        synchronized (answers) {
            while (!unanswered.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    log.warn("closing a session with {} request(s) still unanswered", unanswered.size());
                    return;
                }
                try {
                    answers.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            byte[] utf8;
            try {
                // Straight to UTF-8: a large answer (list_members over a thousand members is half a
                // megabyte) is not built once more as a String, in UTF-16 when it holds an emoji.
                utf8 = json.writeValueAsBytes(message);
            } catch (IOException e) {
                log.warn("could not serialise a message: {}", e.getMessage());
                return;
            }
            writeLine(utf8);
            if (message instanceof McpSchema.JSONRPCResponse response && response.id() != null) {
                answered(response.id());
            }
        });
    }

    private void answered(Object id) {
        synchronized (answers) {
            unanswered.remove(key(id));
            answers.notifyAll();
        }
    }

    private void writeLine(String text) {
        writeLine(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One message: its JSON (which never holds a raw line break) and the line break that ends it. */
    private void writeLine(byte[] utf8) {
        synchronized (out) {
            if (closed.get()) {
                return;
            }
            try {
                out.write(utf8);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                log.debug("session output closed: {}", e.getMessage());
            }
        }
    }

    /** Numbers and strings are different ids in JSON-RPC: 1 is not "1". */
    private static String key(Object id) {
        return id instanceof Number n ? "n" + n.longValue() : "s" + id;
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (out) {
            try {
                out.flush();
            } catch (IOException ignored) {
                // the peer is gone; nothing left to deliver
            }
        }
        try {
            connection.close();
        } catch (IOException e) {
            log.debug("closing a session connection: {}", e.getMessage());
        }
        onClosed.accept(this);
    }
}
