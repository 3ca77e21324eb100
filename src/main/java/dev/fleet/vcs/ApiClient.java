package dev.fleet.vcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.security.KnownSecrets;
import dev.fleet.security.ServiceMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * JSON over HTTPS to the hosting services. Answers come back whatever their status; only a
 * service that cannot be reached at all is an exception. Nothing here logs: requests carry
 * credentials in their headers.
 */
final class ApiClient {
    static final String USER_AGENT = "apra-fleet";

    /**
     * An answer: status, parsed JSON body (a missing node when the body is not JSON), its headers,
     * and the secrets the request carried, which the service's message is cleaned of.
     */
    record Response(int status, JsonNode body, java.net.http.HttpHeaders headers, KnownSecrets sent) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String text(String field) {
            JsonNode v = body.path(field);
            return v.isValueNode() ? v.asText() : null;
        }

        /**
         * A value of the answer that fleet shows (a user's or an App's name). An endpoint standing
         * in for the service may put anything there, the request's Authorization header included,
         * so it is cleaned as the service's messages are; absent (or JSON null): {@code otherwise}.
         */
        String shown(JsonNode value, String otherwise) {
            return ServiceMessage.value(value.isValueNode() && !value.isNull() ? value.asText() : null, sent, otherwise);
        }
    }

    /** The service did not answer (network, DNS, TLS, timeout). */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private final ObjectMapper mapper;
    private final Duration timeout;
    private volatile HttpClient client;

    ApiClient(ObjectMapper mapper, Duration timeout) {
        this.mapper = mapper;
        this.timeout = timeout;
    }

    /** Created on first use: most fleet sessions never call a hosting service. */
    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                c = client;
            }
        }
        return c;
    }

    Response get(URI uri, Map<String, String> headers) throws Unreachable {
        return send(uri, headers, null);
    }

    Response post(URI uri, Map<String, String> headers, Object jsonBody) throws Unreachable {
        try {
            return send(uri, headers, mapper.writeValueAsString(jsonBody));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a request body", e);
        }
    }

    private Response send(URI uri, Map<String, String> headers, String body) throws Unreachable {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT);
        headers.forEach(b::header);
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        KnownSecrets sent = KnownSecrets.ofAuthorization(headers.get("Authorization"));
        HttpResponse<byte[]> r;
        try {
            r = client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unreachable("cannot reach " + uri.getHost() + " (" + reason(e, sent) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while asking " + uri.getHost());
        }
        JsonNode json;
        try {
            json = r.body().length == 0 ? mapper.missingNode() : mapper.readTree(r.body());
        } catch (IOException e) {
            json = mapper.missingNode();
        }
        return new Response(r.statusCode(), json == null ? mapper.missingNode() : json, r.headers(), sent);
    }

    /** The failure's type and message; a malformed answer's message quotes the service (a bad status line, a bad header). */
    private static String reason(IOException e, KnownSecrets sent) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + ServiceMessage.quote(m, sent));
    }

    /**
     * The service's own explanation: {@code message} (GitHub, Azure DevOps) or
     * {@code error.message} (Bitbucket); never an HTML page. Cleaned of the request's credential
     * in all its forms and of anything shaped like one, since services may quote the request back.
     */
    static String message(Response r) {
        String m = r.text("message");
        if (m == null) {
            JsonNode nested = r.body().path("error").path("message");
            m = nested.isValueNode() ? nested.asText() : null;
        }
        return ServiceMessage.quote(m, r.sent());
    }

    /** A rate-limit answer (GitHub: 403/429 with no requests left or a Retry-After), with when to try again. */
    static Optional<String> rateLimit(Response r, Clock clock) {
        if (r.status() != 403 && r.status() != 429) {
            return Optional.empty();
        }
        Optional<String> remaining = r.headers().firstValue("x-ratelimit-remaining");
        Optional<String> retryAfter = r.headers().firstValue("retry-after");
        boolean limited = remaining.map("0"::equals).orElse(false) || retryAfter.isPresent() || r.status() == 429
                || message(r).toLowerCase(java.util.Locale.ROOT).contains("rate limit");
        if (!limited) {
            return Optional.empty();
        }
        Instant when = null;
        try {
            if (retryAfter.isPresent()) {
                when = clock.instant().plusSeconds(Long.parseLong(retryAfter.get().strip()));
            } else if (r.headers().firstValue("x-ratelimit-reset").isPresent()) {
                when = Instant.ofEpochSecond(Long.parseLong(r.headers().firstValue("x-ratelimit-reset").get().strip()));
            }
        } catch (NumberFormatException e) {
            when = null;
        }
        String after = when == null ? "later"
                : "after " + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(when) + " UTC";
        return Optional.of("rate limit reached (" + r.status() + "); try again " + after);
    }
}
