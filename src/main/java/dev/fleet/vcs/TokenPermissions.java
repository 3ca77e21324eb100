package dev.fleet.vcs;

import dev.fleet.member.GitAccess;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GitHub installation-token permissions each git access level asks for. Every level includes
 * {@code metadata: read}, which GitHub grants to every token anyway.
 */
final class TokenPermissions {
    /** The order the permissions are asked in (a stable request body, easy to read in logs and tests). */
    private static final String[] ORDER = {"contents", "administration", "issues", "pull_requests", "actions"};

    private TokenPermissions() {
    }

    /** The {@code permissions} object of the token request for {@code access}, in a stable order. */
    static Map<String, String> of(GitAccess access) {
        Map<String, String> write = switch (access) {
            // Clone and fetch.
            case READ -> Map.of("contents", "read");
            // Clone, fetch and push.
            case PUSH -> Map.of("contents", "write");
            // Push, plus repository settings and workflows.
            case ADMIN -> Map.of("contents", "write", "administration", "write", "actions", "write");
            // Issues and pull requests, without access to the code.
            case ISSUES -> Map.of("issues", "write", "pull_requests", "write");
            // Everything above.
            case FULL -> Map.of("contents", "write", "administration", "write", "issues", "write", "pull_requests", "write",
                    "actions", "write");
        };
        Map<String, String> p = new LinkedHashMap<>();
        for (String key : ORDER) {
            if (write.containsKey(key)) {
                p.put(key, write.get(key));
            }
        }
        p.put("metadata", "read");
        return Collections.unmodifiableMap(p);
    }
}
