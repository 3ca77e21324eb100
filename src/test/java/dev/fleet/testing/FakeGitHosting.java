package dev.fleet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The GitHub, Bitbucket Cloud and Azure DevOps REST APIs as fleet uses them, on 127.0.0.1, for
 * tests. It checks what the real services check: the App JWT's RS256 signature against the App's
 * public key, its {@code iss}, {@code iat} and {@code exp}; the permissions and repositories of
 * token requests; Basic and Bearer credentials. It answers in the services' shapes, including
 * 401, 404, 422 and rate-limit answers a test queues up.
 *
 * <p>Paths: GitHub under {@code /github}, Bitbucket under {@code /bitbucket/2.0}, Azure DevOps
 * organizations under {@code /azure/<org>}.
 */
public final class FakeGitHosting implements AutoCloseable {
    public static final String APP_ID = "424242";
    public static final long INSTALLATION_ID = 9001;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PERMISSION_NAMES = Set.of("contents", "metadata", "administration", "actions", "issues",
            "pull_requests");

    /** One token request as GitHub received it. */
    public record MintRequest(String iss, long iat, long exp, Map<String, String> permissions, List<String> repositories) {
    }

    /**
     * In a canned answer's body, replaced by the request's Authorization header as it arrived
     * (JSON-escaped): a service that quotes the request back in its error.
     */
    public static final String REQUEST_AUTHORIZATION = "{{request Authorization}}";
    /** Likewise, the header's credential alone (after "Basic " or "Bearer "). */
    public static final String REQUEST_CREDENTIAL = "{{request credential}}";

    /** A canned answer for the next request to a path suffix. */
    public record Answer(int status, String body, Map<String, String> headers) {
    }

    public final KeyPair appKey;
    public final List<MintRequest> mints = new CopyOnWriteArrayList<>();
    /** Why requests were refused as GitHub would (a correct client never lands here). */
    public final List<String> refusals = new CopyOnWriteArrayList<>();
    public final Set<String> installationRepos = ConcurrentHashMap.newKeySet();
    public final Set<String> validPats = ConcurrentHashMap.newKeySet();
    public final Map<String, String> bitbucketTokens = new ConcurrentHashMap<>();
    public final Map<String, String> azurePats = new ConcurrentHashMap<>();
    /** The Authorization headers put into canned answers, as sent (a Basic credential, a Bearer JWT or token). */
    public final List<String> quotedAuthorizations = new CopyOnWriteArrayList<>();
    private final Map<String, ConcurrentLinkedQueue<Answer>> canned = new ConcurrentHashMap<>();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    private volatile Supplier<String> tokens = () -> "ghs_" + "fleetTestToken".repeat(2) + tokenCounter.incrementAndGet();
    private volatile Duration tokenLife = Duration.ofHours(1);
    private final HttpServer server;

    public FakeGitHosting() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        appKey = g.generateKeyPair();
        installationRepos.addAll(List.of("app", "lib", "docs"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-git-hosting");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Settings that point fleet here; git credentials are still for the public host names. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLEET_GITHUB_API_URL", base() + "/github");
        env.put("FLEET_GITHUB_HOST", "github.com");
        env.put("FLEET_BITBUCKET_API_URL", base() + "/bitbucket/2.0");
        env.put("FLEET_AZURE_DEVOPS_API_URL", base() + "/azure");
        return env;
    }

    /** Tokens minted from now on come from {@code supplier} (e.g. with shell characters in them). */
    public void mintTokens(Supplier<String> supplier) {
        tokens = supplier;
    }

    /** Tokens minted from now on expire after {@code life} (negative: already expired). */
    public void tokenLife(Duration life) {
        tokenLife = life;
    }

    /** The next request whose path ends with {@code pathSuffix} gets this answer instead. */
    public void answerNext(String pathSuffix, int status, String body, Map<String, String> headers) {
        canned.computeIfAbsent(pathSuffix, k -> new ConcurrentLinkedQueue<>()).add(new Answer(status, body, headers));
    }

    /** GitHub's primary rate-limit answer for the next request to the path. */
    public void rateLimitNext(String pathSuffix) {
        answerNext(pathSuffix, 403, "{\"message\":\"API rate limit exceeded for installation ID " + INSTALLATION_ID + ".\"}",
                Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", String.valueOf(Instant.now().getEpochSecond() + 1200)));
    }

    /**
     * The next request whose path ends with {@code pathSuffix} is refused with {@code status} and
     * a message that quotes its Authorization header whole and its credential bare, in GitHub's and
     * Bitbucket's shapes at once.
     */
    public void quoteAuthorizationNext(String pathSuffix, int status) {
        String said = "Bad credentials: you sent " + REQUEST_AUTHORIZATION + "; we found no user for " + REQUEST_CREDENTIAL + ".";
        answerNext(pathSuffix, status, "{\"message\":\"" + said + "\",\"error\":{\"message\":\"" + said + "\"}}", Map.of());
    }

    private String quotingAuthorization(HttpExchange ex, String body) {
        if (!body.contains(REQUEST_AUTHORIZATION) && !body.contains(REQUEST_CREDENTIAL)) {
            return body;
        }
        String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
        quotedAuthorizations.add(auth);
        return body.replace(REQUEST_AUTHORIZATION, jsonText(auth)).replace(REQUEST_CREDENTIAL, jsonText(auth.substring(auth.indexOf(' ') + 1)));
    }

    private static String jsonText(String s) {
        String quoted = JSON.getNodeFactory().textNode(s).toString();
        return quoted.substring(1, quoted.length() - 1);
    }

    public Path writePkcs1Key(Path file) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            // The JCA key is PKCS#8; its inner structure is the PKCS#1 key GitHub hands out.
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(appKey.getPrivate().getEncoded());
            pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, w.toString());
        return file;
    }

    public Path writePkcs8Key(Path file) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", appKey.getPrivate().getEncoded()));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, w.toString());
        return file;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            for (Map.Entry<String, ConcurrentLinkedQueue<Answer>> e : canned.entrySet()) {
                if (path.endsWith(e.getKey())) {
                    Answer a = e.getValue().poll();
                    if (a != null) {
                        ex.getRequestBody().readAllBytes();
                        send(ex, a.status(), quotingAuthorization(ex, a.body()), a.headers());
                        return;
                    }
                }
            }
            if (path.startsWith("/github/")) {
                github(ex, path.substring("/github".length()));
            } else if (path.equals("/bitbucket/2.0/user")) {
                bitbucket(ex);
            } else if (path.startsWith("/azure/") && path.endsWith("/_apis/connectionData")) {
                azure(ex, path.substring("/azure/".length(), path.length() - "/_apis/connectionData".length()));
            } else {
                send(ex, 404, "{\"message\":\"Not Found\"}", Map.of());
            }
        } catch (RuntimeException e) {
            refusals.add("fake server error: " + e);
            send(ex, 500, "{\"message\":\"fake server error\"}", Map.of());
        }
    }

    private void github(HttpExchange ex, String path) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (ex.getRequestHeaders().getFirst("User-Agent") == null) {
            refusals.add("no User-Agent");
            send(ex, 403, "{\"message\":\"Request forbidden by administrative rules. Please make sure your request has a User-Agent header\"}", Map.of());
            return;
        }
        if (path.equals("/user")) {
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
            if (validPats.contains(token)) {
                send(ex, 200, "{\"login\":\"octo-pat\"}", Map.of());
            } else {
                send(ex, 401, "{\"message\":\"Bad credentials\"}", Map.of());
            }
            return;
        }
        JsonNode claims = verifyJwt(auth);
        if (claims == null) {
            send(ex, 401, "{\"message\":\"A JSON web token could not be decoded\"}", Map.of());
            return;
        }
        if (path.equals("/app") && ex.getRequestMethod().equals("GET")) {
            send(ex, 200, "{\"id\":" + APP_ID + ",\"slug\":\"fleet-test-app\",\"name\":\"Fleet Test App\"}", Map.of());
        } else if (path.equals("/app/installations/" + INSTALLATION_ID) && ex.getRequestMethod().equals("GET")) {
            send(ex, 200, "{\"id\":" + INSTALLATION_ID + ",\"account\":{\"login\":\"acme\"}}", Map.of());
        } else if (path.equals("/app/installations/" + INSTALLATION_ID + "/access_tokens") && ex.getRequestMethod().equals("POST")) {
            mint(ex, claims);
        } else {
            send(ex, 404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}", Map.of());
        }
    }

    private void mint(HttpExchange ex, JsonNode claims) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        Map<String, String> permissions = new LinkedHashMap<>();
        body.path("permissions").fields().forEachRemaining(e -> permissions.put(e.getKey(), e.getValue().asText()));
        List<String> repos = null;
        if (body.has("repositories")) {
            repos = new ArrayList<>();
            for (JsonNode r : body.get("repositories")) {
                repos.add(r.asText());
            }
        }
        mints.add(new MintRequest(claims.path("iss").asText(), claims.path("iat").asLong(), claims.path("exp").asLong(),
                permissions, repos));
        for (Map.Entry<String, String> p : permissions.entrySet()) {
            if (!PERMISSION_NAMES.contains(p.getKey()) || !Set.of("read", "write").contains(p.getValue())) {
                send(ex, 422, "{\"message\":\"The permissions requested are not granted to this installation.\"}", Map.of());
                return;
            }
        }
        if (repos != null && !installationRepos.containsAll(repos)) {
            send(ex, 422, "{\"message\":\"There is at least one repository that does not exist or is not accessible to the parent "
                    + "installation.\"}", Map.of());
            return;
        }
        String token = tokens.get();
        Instant expires = Instant.now().plus(tokenLife).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        send(ex, 201, JSON.writeValueAsString(Map.of("token", token, "expires_at", expires.toString(), "permissions", permissions,
                "repository_selection", repos == null ? "all" : "selected")), Map.of());
    }

    /** The checks GitHub makes on an App JWT; null (and a recorded refusal) when one fails. */
    private JsonNode verifyJwt(String auth) {
        if (auth == null || !auth.startsWith("Bearer ")) {
            refusals.add("no bearer token");
            return null;
        }
        String[] parts = auth.substring(7).split("\\.");
        if (parts.length != 3) {
            refusals.add("not a JWT");
            return null;
        }
        try {
            Base64.Decoder d = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(d.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                refusals.add("alg " + header.path("alg"));
                return null;
            }
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(appKey.getPublic());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(d.decode(parts[2]))) {
                refusals.add("bad signature");
                return null;
            }
            JsonNode claims = JSON.readTree(d.decode(parts[1]));
            long now = Instant.now().getEpochSecond();
            long iat = claims.path("iat").asLong();
            long exp = claims.path("exp").asLong();
            if (!APP_ID.equals(claims.path("iss").asText()) || !claims.path("iss").isTextual()) {
                refusals.add("iss " + claims.path("iss"));
                return null;
            }
            if (iat > now + 5 || exp <= now || exp > now + 600 + 5 || exp - iat > 660) {
                refusals.add("times iat=" + iat + " exp=" + exp + " now=" + now);
                return null;
            }
            return claims;
        } catch (Exception e) {
            refusals.add("JWT unreadable: " + e.getClass().getSimpleName());
            return null;
        }
    }

    private void bitbucket(HttpExchange ex) throws IOException {
        String[] user = basic(ex);
        if (user != null && user[1].equals(bitbucketTokens.get(user[0]))) {
            send(ex, 200, "{\"username\":\"bb-user\",\"display_name\":\"BB User\"}", Map.of());
        } else {
            send(ex, 401, "{\"type\":\"error\",\"error\":{\"message\":\"Invalid credentials\"}}", Map.of());
        }
    }

    private void azure(HttpExchange ex, String org) throws IOException {
        if (!azurePats.containsKey(org)) {
            send(ex, 404, "{\"message\":\"organization not found\"}", Map.of());
            return;
        }
        String[] user = basic(ex);
        if (user != null && user[1].equals(azurePats.get(org))) {
            send(ex, 200, "{\"authenticatedUser\":{\"providerDisplayName\":\"AZ User\"}}", Map.of());
        } else {
            send(ex, 401, "", Map.of());
        }
    }

    private static String[] basic(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
