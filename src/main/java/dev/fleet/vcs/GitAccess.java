package dev.fleet.vcs;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How much a member may do on GitHub, and the installation-token permissions each level asks
 * for. Every level includes {@code metadata: read}, which GitHub grants to every token anyway.
 */
public enum GitAccess {
    /** Clone and fetch. */
    READ(Map.of("contents", "read")),
    /** Clone, fetch and push. */
    PUSH(Map.of("contents", "write")),
    /** Push, plus repository settings and workflows. */
    ADMIN(Map.of("contents", "write", "administration", "write", "actions", "write")),
    /** Issues and pull requests, without access to the code. */
    ISSUES(Map.of("issues", "write", "pull_requests", "write")),
    /** Everything above. */
    FULL(Map.of("contents", "write", "administration", "write", "issues", "write", "pull_requests", "write", "actions", "write"));

    private final Map<String, String> permissions;

    GitAccess(Map<String, String> write) {
        Map<String, String> p = new LinkedHashMap<>();
        // A stable order (enum constants cannot read static fields while they are built).
        for (String key : new String[] {"contents", "administration", "issues", "pull_requests", "actions"}) {
            if (write.containsKey(key)) {
                p.put(key, write.get(key));
            }
        }
        p.put("metadata", "read");
        this.permissions = java.util.Collections.unmodifiableMap(p);
    }

    /** The {@code permissions} object of the token request, in a stable order. */
    public Map<String, String> permissions() {
        return permissions;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code read|push|admin|issues|full}; null for anything else. */
    public static GitAccess fromJson(String value) {
        if (value == null) {
            return null;
        }
        for (GitAccess a : values()) {
            if (a.json().equals(value)) {
                return a;
            }
        }
        return null;
    }
}
