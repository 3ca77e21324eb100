package dev.fleet.vcs;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The GitHub REST API calls fleet makes: App checks, installation tokens, and a PAT check. */
final class GitHubApi {
    record App(String name) {
    }

    record Installation(String account) {
    }

    record Minted(String token, Instant expiresAt) {
        /** Never the token: a record's own text would print it. */
        @Override
        public String toString() {
            return "Minted[token=(hidden), expiresAt=" + expiresAt + "]";
        }
    }

    private final URI base;
    private final ApiClient http;
    private final Clock clock;

    GitHubApi(URI base, ApiClient http, Clock clock) {
        this.base = base;
        this.http = http;
        this.clock = clock;
    }

    private URI uri(String path) {
        return URI.create(base.toString() + path);
    }

    private static Map<String, String> headers(String bearer) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + bearer);
        h.put("Accept", "application/vnd.github+json");
        h.put("X-GitHub-Api-Version", "2022-11-28");
        return h;
    }

    App app(String jwt) throws VcsException {
        ApiClient.Response r = call(() -> http.get(uri("/app"), headers(jwt)));
        if (!r.ok()) {
            throw new VcsException("GET /app failed (" + r.status() + "): " + explain(r));
        }
        return new App(r.shown(r.body().path("name"), null));
    }

    Installation installation(String jwt, long id) throws VcsException {
        ApiClient.Response r = call(() -> http.get(uri("/app/installations/" + id), headers(jwt)));
        if (!r.ok()) {
            throw new VcsException("Installation " + id + " not found (" + r.status() + "): " + explain(r));
        }
        return new Installation(r.shown(r.body().path("account").path("login"), null));
    }

    /** An installation token limited to {@code repoNames} (bare names; empty = every repository of the installation). */
    Minted mint(String jwt, long installationId, Map<String, String> permissions, List<String> repoNames) throws VcsException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("permissions", permissions);
        if (!repoNames.isEmpty()) {
            body.put("repositories", repoNames);
        }
        ApiClient.Response r;
        try {
            r = http.post(uri("/app/installations/" + installationId + "/access_tokens"), headers(jwt), body);
        } catch (ApiClient.Unreachable e) {
            throw new VcsException("Token mint failed: GitHub API " + e.getMessage());
        }
        if (!r.ok()) {
            throw new VcsException("Token mint failed (" + r.status() + "): " + explain(r));
        }
        String token = r.text("token");
        if (token == null || token.isEmpty()) {
            throw new VcsException("Token mint failed: GitHub answered without a token");
        }
        Instant expires;
        try {
            expires = Instant.parse(r.text("expires_at"));
        } catch (DateTimeParseException | NullPointerException e) {
            // Installation tokens live one hour; assume so rather than never refreshing it.
            expires = clock.instant().plusSeconds(3600);
        }
        return new Minted(token, expires);
    }

    /** Whether GitHub accepts a personal access token. */
    ApiCheck user(String pat) {
        ApiClient.Response r;
        try {
            r = http.get(uri("/user"), headers(pat));
        } catch (ApiClient.Unreachable e) {
            return new ApiCheck.Inconclusive("GitHub API not checked: " + e.getMessage());
        }
        if (r.ok()) {
            return new ApiCheck.Passed("GitHub API accepted the token (user " + r.shown(r.body().path("login"), "?") + ")");
        }
        if (r.status() == 401) {
            return new ApiCheck.Rejected("GitHub rejected the token (401): " + ApiClient.message(r));
        }
        return new ApiCheck.Inconclusive("GitHub API could not confirm the token (" + r.status() + "): " + explain(r));
    }

    private String explain(ApiClient.Response r) {
        return ApiClient.rateLimit(r, clock).orElseGet(() -> ApiClient.message(r));
    }

    private interface Call {
        ApiClient.Response run() throws ApiClient.Unreachable;
    }

    private static ApiClient.Response call(Call c) throws VcsException {
        try {
            return c.run();
        } catch (ApiClient.Unreachable e) {
            throw new VcsException("GitHub API " + e.getMessage());
        }
    }
}
