package dev.fleet.mcp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP's Streamable HTTP transport on the JDK's own HTTP server, at {@code /mcp}: a POST carries
 * one JSON-RPC message; a request is answered on an SSE stream (progress first, then the result),
 * {@code initialize} with plain JSON and a new {@code Mcp-Session-Id}; DELETE ends a session. No
 * server-initiated stream is offered (GET answers 405), which the protocol allows.
 *
 * <p>Every request needs {@code Authorization: Bearer TOKEN}; the {@code Origin} and {@code Host}
 * headers must name a loopback host (or the configured one), so a web page cannot reach the
 * server through DNS rebinding. Malformed bodies get a JSON-RPC error and change nothing.
 */
public final class StreamableHttpServer implements McpStreamableServerTransportProvider {
    private static final Logger log = LoggerFactory.getLogger(StreamableHttpServer.class);
    private static final String PATH = "/mcp";
    private static final int MAX_BODY = 16 * 1024 * 1024;
    /**
     * Bytes of request bodies held at once, over every request: 32 workers each reading a 16 MiB
     * body would need more heap than the daemon has, and the requests that ran out of it were
     * dropped unanswered. A body waits for its share; one that cannot get it soon is refused 503.
     */
    static final int BODY_BYTES_IN_FLIGHT = 4 * MAX_BODY;
    private static final Duration BODY_BUDGET_WAIT = Duration.ofSeconds(10);
    private final java.util.concurrent.Semaphore bodyBytes = new java.util.concurrent.Semaphore(BODY_BYTES_IN_FLIGHT, true);
    private static final Duration FORGET_UNUSED_SESSION = Duration.ofDays(1);
    /** Requests served at once (a long tool call holds one); more wait their turn. */
    static final int MAX_WORKERS = 32;
    /**
     * The JDK server's limit, in seconds, for a request to arrive whole (headers and body): a
     * client that stops midway is cut off rather than holding a worker for ever. Read once, by
     * the JVM's first HTTP server (the daemon has no other); a value the user set stays.
     */
    private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";

    /**
     * @param bind        where to listen
     * @param token       the bearer token every request must carry
     * @param tokenInPath also accept {@code /mcp/TOKEN} (clients that cannot set headers)
     */
    public record Config(InetSocketAddress bind, String token, boolean tokenInPath) {
        /** Never the token: a record's own text would print it. */
        @Override
        public String toString() {
            return "Config[bind=" + bind + ", token=(hidden), tokenInPath=" + tokenInPath + "]";
        }
    }

    private final Config config;
    private final McpJsonMapper json;
    private final JsonRpcGate gate;
    private final Clock clock;
    private final DefaultServerTransportSecurityValidator headers;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private volatile McpStreamableServerSession.Factory factory;
    private volatile Instant lastRequest;
    private HttpServer server;

    private static final class Session {
        final McpStreamableServerSession mcp;
        volatile Instant lastUsed;
        volatile boolean ending;

        Session(McpStreamableServerSession mcp, Instant now) {
            this.mcp = mcp;
            this.lastUsed = now;
        }
    }

    public StreamableHttpServer(Config config, McpJsonMapper json, JsonRpcGate gate, Clock clock) {
        this.config = config;
        this.json = json;
        this.gate = gate;
        this.clock = clock;
        this.lastRequest = clock.instant();
        List<String> hosts = new ArrayList<>(List.of("127.0.0.1", "localhost", "[::1]"));
        for (String h : boundHosts(config.bind())) {
            if (!hosts.contains(h)) {
                hosts.add(h);
            }
        }
        DefaultServerTransportSecurityValidator.Builder b = DefaultServerTransportSecurityValidator.builder();
        for (String h : hosts) {
            b.allowedHost(h + ":*").allowedOrigin("http://" + h + ":*").allowedOrigin("https://" + h + ":*");
        }
        this.headers = b.build();
        AtomicInteger n = new AtomicInteger();
        // Bounded: the JDK's server reads a request's headers on a worker, so an unbounded pool gave
        // anyone who can reach the port (no token needed) a thread per unfinished request, until
        // the user's process limit stopped the daemon from starting threads at all.
        this.workers = Executors.newFixedThreadPool(MAX_WORKERS, r -> {
            Thread t = new Thread(r, "fleet-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The names a client reaching this server may give in {@code Host}: the address it listens on,
     * or, listening on every address (0.0.0.0, ::), each IPv4 address of this machine's interfaces
     * (a remote client names the one it reached; "0.0.0.0" is no address a client sends).
     */
    static List<String> boundHosts(InetSocketAddress bind) {
        List<InetAddress> addresses = new ArrayList<>();
        if (bind.getAddress() != null && bind.getAddress().isAnyLocalAddress()) {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    addresses.addAll(Collections.list(nic.getInetAddresses()));
                }
            } catch (SocketException e) {
                log.warn("could not list this machine's addresses for the HTTP Host check: {}", e.getMessage());
            }
        }
        List<String> hosts = new ArrayList<>();
        if (addresses.isEmpty()) {
            String h = bind.getHostString();
            if (h.contains(":")) {
                // Java writes IPv6 in full; a client's URL usually has the short form (zeros as "::").
                hosts.add("[" + shortIpv6(h) + "]");
            }
            hosts.add(h.contains(":") ? "[" + h + "]" : h);
        }
        for (InetAddress a : addresses) {
            // IPv6 interface addresses come in Java's long form, which clients do not send: such a
            // client reaches a server on "::" only by the address it was given with --http.
            if (!(a instanceof Inet6Address)) {
                hosts.add(a.getHostAddress());
            }
        }
        return hosts;
    }

    /** An IPv6 address in Java's full form written short (RFC 5952): the longest run of two or more zero groups as "::". */
    static String shortIpv6(String full) {
        String[] groups = full.split(":", -1);
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, 8));
        return head + "::" + tail;
    }

    /** Starts listening; the MCP server must have been built on this provider first. */
    public void start() throws IOException {
        if (System.getProperty(MAX_REQUEST_SECONDS) == null) {
            System.setProperty(MAX_REQUEST_SECONDS, "30");
        }
        server = HttpServer.create(config.bind(), 64);
        server.createContext(PATH, this::handle);
        server.setExecutor(workers);
        server.start();
        log.info("Streamable HTTP on {}", url());
    }

    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + PATH;
    }

    /** Sessions used within {@code window}: HTTP clients leave without notice, so activity is what counts. */
    public int activeSessions(Duration window) {
        Instant since = clock.instant().minus(window);
        sessions.values().removeIf(s -> s.lastUsed.isBefore(clock.instant().minus(FORGET_UNUSED_SESSION)));
        return (int) sessions.values().stream().filter(s -> s.lastUsed.isAfter(since)).count();
    }

    public Instant lastRequest() {
        return lastRequest;
    }

    /** shutdown_server over HTTP: the session ends once its answer is out. */
    public void end(String sessionId) {
        Session s = sessions.get(sessionId);
        if (s != null) {
            s.ending = true;
        }
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        this.factory = sessionFactory;
    }

    @Override
    public List<String> protocolVersions() {
        return List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26, ProtocolVersions.MCP_2025_06_18,
                ProtocolVersions.MCP_2025_11_25);
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Mono.fromRunnable(() -> sessions.values().forEach(s ->
                s.mcp.sendNotification(method, params).onErrorResume(e -> Mono.empty()).block()));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            if (server != null) {
                server.stop(0);
            }
            sessions.values().forEach(s -> s.mcp.close());
            sessions.clear();
            workers.shutdownNow();
        });
    }

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            String pathToken = path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : null;
            if (!path.equals(PATH) && !(config.tokenInPath() && pathToken != null && !pathToken.contains("/"))) {
                plain(ex, 404, "not found");
                return;
            }
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"), config.tokenInPath() ? pathToken : null)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                plain(ex, 401, "a bearer token is required (Authorization: Bearer <token from the data dir's http-token file>)");
                return;
            }
            // Only a request with the token is use: anyone else's must not keep an idle daemon running.
            lastRequest = clock.instant();
            try {
                headers.validateHeaders(ex.getRequestHeaders());
            } catch (ServerTransportSecurityException e) {
                log.warn("refused an HTTP request: {}", e.getMessage());
                plain(ex, e.getStatusCode(), e.getMessage());
                return;
            }
            switch (ex.getRequestMethod()) {
                case "POST" -> post(ex);
                case "DELETE" -> delete(ex);
                default -> {
                    ex.getResponseHeaders().set("Allow", "POST, DELETE");
                    plain(ex, 405, "use POST for messages and DELETE to end a session");
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("HTTP exchange ended: {}", e.getMessage());
        } finally {
            ex.close();
        }
    }

    /** Bytes of the body budget no request holds now. */
    int bodyBytesFree() {
        return bodyBytes.availablePermits();
    }

    /** The body length the request declares ({@code Content-Length}); empty when it does not (chunked) or says nonsense. */
    private static java.util.Optional<Long> declaredLength(HttpExchange ex) {
        String v = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            long n = v == null ? -1 : Long.parseLong(v.strip());
            return n >= 0 ? java.util.Optional.of(n) : java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private boolean authorized(String header, String pathToken) {
        String offered = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            offered = header.substring(7).strip();
        } else if (pathToken != null) {
            offered = pathToken;
        }
        return offered != null && MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8),
                config.token().getBytes(StandardCharsets.UTF_8));
    }

    private void post(HttpExchange ex) throws IOException {
        // The share is what the client says it sends (all that may be, when it does not say), at most a whole body.
        java.util.Optional<Long> declared = declaredLength(ex);
        if (declared.isPresent() && declared.get() > MAX_BODY) {
            plain(ex, 413, "a message may be at most " + MAX_BODY + " bytes");
            return;
        }
        int share = declared.map(Long::intValue).orElse(MAX_BODY);
        try {
            if (!bodyBytes.tryAcquire(share, BODY_BUDGET_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                ex.getResponseHeaders().set("Retry-After", "1");
                plain(ex, 503, "too many large messages at once; send it again shortly");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        JsonRpcGate.Verdict verdict;
        // The share is held while the body is read and parsed, when its copies weigh the most.
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                plain(ex, 413, "a message may be at most " + MAX_BODY + " bytes");
                return;
            }
            verdict = gate.check(new String(body, StandardCharsets.UTF_8));
        } finally {
            bodyBytes.release(share);
        }
        if (verdict instanceof JsonRpcGate.Rejected rejected) {
            json(ex, 400, rejected.errorResponse());
            return;
        }
        if (verdict instanceof JsonRpcGate.Ignored) {
            // Accepted as any notification is, and passed nowhere.
            ex.sendResponseHeaders(202, -1);
            return;
        }
        McpSchema.JSONRPCMessage message = ((JsonRpcGate.Accepted) verdict).message();
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_INITIALIZE.equals(request.method())) {
            initialize(ex, request);
            return;
        }
        String id = ex.getRequestHeaders().getFirst(HttpHeaders.MCP_SESSION_ID);
        Object requestId = message instanceof McpSchema.JSONRPCRequest r ? r.id() : null;
        if (id == null || id.isBlank()) {
            json(ex, 400, gate.errorResponse(requestId, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: the Mcp-Session-Id header is required after initialize"));
            return;
        }
        Session s = sessions.get(id);
        if (s == null) {
            json(ex, 404, gate.errorResponse(requestId, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Session not found: initialize again"));
            return;
        }
        s.lastUsed = clock.instant();
        if (message instanceof McpSchema.JSONRPCRequest request) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                s.mcp.responseStream(request, new SseStream(out, json)).block();
            }
            s.lastUsed = clock.instant();
            if (s.ending) {
                sessions.remove(id);
                s.mcp.delete().onErrorResume(e -> Mono.empty()).block();
            }
            return;
        }
        if (message instanceof McpSchema.JSONRPCNotification n) {
            s.mcp.accept(n).onErrorResume(e -> Mono.empty()).block();
        } else if (message instanceof McpSchema.JSONRPCResponse r) {
            s.mcp.accept(r).onErrorResume(e -> Mono.empty()).block();
        }
        ex.sendResponseHeaders(202, -1);
    }

    private void initialize(HttpExchange ex, McpSchema.JSONRPCRequest request) throws IOException {
        McpSchema.InitializeRequest init;
        try {
            init = json.convertValue(request.params(), new TypeRef<McpSchema.InitializeRequest>() { });
        } catch (RuntimeException e) {
            json(ex, 400, gate.errorResponse(request.id(), McpSchema.ErrorCodes.INVALID_PARAMS,
                    "Invalid params: initialize needs protocolVersion, capabilities and clientInfo"));
            return;
        }
        McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
        McpSchema.InitializeResult result = started.initResult().block();
        sessions.put(started.session().getId(), new Session(started.session(), clock.instant()));
        ex.getResponseHeaders().set(HttpHeaders.MCP_SESSION_ID, started.session().getId());
        json(ex, 200, json.writeValueAsString(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), result, null)));
    }

    private void delete(HttpExchange ex) throws IOException {
        String id = ex.getRequestHeaders().getFirst(HttpHeaders.MCP_SESSION_ID);
        Session s = id == null ? null : sessions.remove(id);
        if (s == null) {
            plain(ex, 404, "no such session");
            return;
        }
        s.mcp.delete().onErrorResume(e -> Mono.empty()).block();
        ex.sendResponseHeaders(200, -1);
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json", body);
    }

    private static void plain(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", body);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
            // Out now: closing first reads away what is left of the request, and a body refused
            // unread (too large, no room) may never come, which would hold the answer back.
            out.flush();
        }
    }

    /** One POST's SSE stream: the call's progress notifications, then its result. */
    private static final class SseStream implements McpStreamableServerTransport {
        private final OutputStream out;
        private final McpJsonMapper json;
        private volatile boolean closed;

        SseStream(OutputStream out, McpJsonMapper json) {
            this.out = out;
            this.json = json;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return sendMessage(message, null);
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String eventId) {
            return Mono.fromRunnable(() -> {
                synchronized (out) {
                    if (closed) {
                        return;
                    }
                    try {
                        String event = (eventId == null ? "" : "id: " + eventId + "\n") + "event: message\ndata: "
                                + json.writeValueAsString(message) + "\n\n";
                        out.write(event.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } catch (IOException e) {
                        closed = true;
                        log.debug("SSE client went away: {}", e.getMessage());
                    }
                }
            });
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
            closed = true;
        }
    }
}
