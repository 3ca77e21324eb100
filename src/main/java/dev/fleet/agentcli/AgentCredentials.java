package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The agent CLI's login on the PM's machine ({@code ~/.claude/.credentials.json}). Only its
 * expiry is read; the content is passed on as bytes and never shown or logged.
 */
public final class AgentCredentials {
    private static final Duration NEAR_EXPIRY = Duration.ofDays(1);

    /** The file's bytes and what fleet has to say about them. Its toString never shows the content. */
    public record Loaded(byte[] content, Instant expiresAt, boolean canRefresh, String warning) {
        @Override
        public String toString() {
            return "AgentCredentials[expiresAt=" + expiresAt + ", canRefresh=" + canRefresh + "]";
        }
    }

    private AgentCredentials() {
    }

    public static Path defaultFile(Path home) {
        return home.resolve(".claude").resolve(".credentials.json");
    }

    /**
     * Reads and checks the file: refuses an expired token that cannot refresh, warns when it
     * expires within a day.
     *
     * @throws CredentialsProblem with a message that says what to do
     */
    public static Loaded load(Path file, Clock clock) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CredentialsProblem("no agent login found on this machine (" + file + "). Log in first: run `claude` "
                    + "and use /login, or pass api_key to use an API key instead");
        } catch (IOException e) {
            throw new CredentialsProblem("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode oauth;
        try {
            oauth = new ObjectMapper().readTree(content).path("claudeAiOauth");
        } catch (IOException e) {
            throw new CredentialsProblem(file + " is not valid JSON; log in again with `claude` and /login");
        }
        Instant expires = oauth.has("expiresAt") ? Instant.ofEpochMilli(oauth.get("expiresAt").asLong()) : null;
        boolean canRefresh = oauth.hasNonNull("refreshToken") && !oauth.get("refreshToken").asText().isBlank();
        Instant now = clock.instant();
        if (expires != null && expires.isBefore(now) && !canRefresh) {
            throw new CredentialsProblem("the agent login on this machine expired at " + expires + " and cannot refresh "
                    + "itself. Log in again (`claude`, then /login) and retry");
        }
        String warning = null;
        if (expires != null && expires.isBefore(now.plus(NEAR_EXPIRY))) {
            warning = expires.isBefore(now)
                    ? "the access token has expired; the member's agent will refresh it on first use"
                    : "the access token expires at " + expires + " (within a day)"
                    + (canRefresh ? "; the agent refreshes it itself" : "; log in again soon");
        }
        return new Loaded(content, expires, canRefresh, warning);
    }

    /** A problem with the PM's login that the user must fix; the message is safe to show. */
    public static final class CredentialsProblem extends RuntimeException {
        public CredentialsProblem(String message) {
            super(message);
        }
    }
}
