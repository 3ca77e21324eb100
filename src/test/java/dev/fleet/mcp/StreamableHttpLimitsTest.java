package dev.fleet.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.MutableClock;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What anyone who can reach the HTTP port can do without the token: neither tie up the server's threads nor keep it alive. */
class StreamableHttpLimitsTest {
    private static final String TOKEN = "t0ken-for-this-test-only-0123456789abcdef";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private StreamableHttpServer server;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        server = new StreamableHttpServer(new StreamableHttpServer.Config(new InetSocketAddress("127.0.0.1", 0), TOKEN, false),
                new JacksonMcpJsonMapper(mapper), new JsonRpcGate(mapper), clock);
        server.start();
        uri = URI.create(server.url());
    }

    @AfterEach
    void stop() {
        server.closeGracefully().block();
    }

    /** Requests that never finish their headers (a slow client, or another user on purpose) take a bounded number of threads. */
    @Test
    void unfinishedRequestsTakeABoundedNumberOfThreads() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                Socket s = new Socket("127.0.0.1", uri.getPort());
                OutputStream out = s.getOutputStream();
                out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                held.add(s);
            }
            // Give the server time to hand each connection to a worker, as the unbounded pool did.
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(httpThreads()).isLessThanOrEqualTo(StreamableHttpServer.MAX_WORKERS);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // Once they are gone, a request with the token is served again.
        await().atMost(Duration.ofSeconds(20)).until(() -> post("Bearer " + TOKEN).statusCode() != 401);
    }

    /** Opens a request with the token that declares a body of {@code length} bytes and sends only its start. */
    private Socket startedBody(long length) throws Exception {
        Socket s = new Socket("127.0.0.1", uri.getPort());
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                + "Accept: application/json, text/event-stream\r\nContent-Length: " + length + "\r\n\r\n{\"jsonrpc\":\"2.0\",")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private static String statusLine(Socket s) throws Exception {
        return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    /**
     * Large bodies held at once are bounded (32 workers reading 16 MiB each ran the daemon out of
     * heap, and those requests went unanswered): past the budget a large body is refused 503, told
     * to come back; once the others are done it is taken. A body declared past the limit is 413.
     */
    @Test
    void theBytesOfBodiesHeldAtOnceAreBounded() throws Exception {
        int whole = 16 * 1024 * 1024;
        List<Socket> holding = new ArrayList<>();
        try {
            for (int i = 0; i < StreamableHttpServer.BODY_BYTES_IN_FLIGHT / whole; i++) {
                holding.add(startedBody(whole));
            }
            // Each reading its body by now, which never comes whole: the budget is spent.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.bodyBytesFree() == 0);
            try (Socket more = startedBody(whole)) {
                assertThat(statusLine(more)).isEqualTo("HTTP/1.1 503 Service Unavailable");
            }
        } finally {
            for (Socket s : holding) {
                s.close();
            }
        }
        try (Socket tooLarge = startedBody(whole + 1L)) {
            assertThat(statusLine(tooLarge)).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> post("Bearer " + TOKEN).statusCode() != 503);
    }

    /** A request without the token is refused and does not count as use (the daemon exits when idle all the same). */
    @Test
    void aRequestWithoutTheTokenDoesNotKeepTheServerInUse() throws Exception {
        Instant before = server.lastRequest();
        clock.advance(Duration.ofMinutes(10));
        assertThat(post(null).statusCode()).isEqualTo(401);
        assertThat(post("Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(server.lastRequest()).isEqualTo(before);
        post("Bearer " + TOKEN);
        assertThat(server.lastRequest()).isEqualTo(clock.instant());
    }

    private static long httpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("fleet-http-")).count();
    }

    private HttpResponse<String> post(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Listening on every address (--allow-remote with 0.0.0.0), a remote client names the
     * address it reached in Host: each of this machine's addresses is accepted, "0.0.0.0" is no
     * address a client sends. Listening on one address, that one.
     */
    @Test
    void hostNamesAcceptedAreThisMachinesAddressesWhenListeningOnAll() throws Exception {
        List<String> all = StreamableHttpServer.boundHosts(new InetSocketAddress("0.0.0.0", 0));
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var a : java.util.Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) {
                    assertThat(all).contains(a.getHostAddress());
                }
            }
        }
        assertThat(all).contains("127.0.0.1").doesNotContain("0.0.0.0");
        assertThat(StreamableHttpServer.boundHosts(new InetSocketAddress("127.0.0.2", 0))).containsExactly("127.0.0.2");
        assertThat(StreamableHttpServer.boundHosts(new InetSocketAddress("::1", 0))).contains("[::1]");
        assertThat(StreamableHttpServer.boundHosts(new InetSocketAddress("2001:db8::5", 0))).contains("[2001:db8::5]");
        assertThat(StreamableHttpServer.shortIpv6("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
        assertThat(StreamableHttpServer.shortIpv6("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(StreamableHttpServer.shortIpv6("fe80:0:0:0:1:2:3:4")).isEqualTo("fe80::1:2:3:4");
        assertThat(StreamableHttpServer.shortIpv6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    }
}
