package dev.fleet.permissions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A member's {@code .claude/settings.local.json}. Fleet owns {@code permissions.allow} only:
 * every other key (hooks, env, {@code permissions.deny}, {@code permissions.ask}, …) is kept.
 */
final class ClaudeSettings {
    private final ObjectNode root;

    private ClaudeSettings(ObjectNode root) {
        this.root = root;
    }

    /** The settings from the file's text (null: no file). A file that is not a JSON object is refused, never overwritten. */
    static ClaudeSettings parse(String text, ObjectMapper mapper, String where) throws PermissionException {
        return new ClaudeSettings(AgentPermissionFile.json(text, mapper, where));
    }

    /** Replaces the allow list (a composition decides it all, so a role switch takes permissions away). */
    void replaceAllow(List<String> allow) {
        ArrayNode a = permissions().putArray("allow");
        allow.forEach(a::add);
    }

    /** Adds to the allow list, keeping what is there. */
    void addToAllow(List<String> more) {
        Set<String> all = new LinkedHashSet<>(allow());
        all.addAll(more);
        replaceAllow(List.copyOf(all));
    }

    List<String> allow() {
        JsonNode a = permissions().get("allow");
        Set<String> out = new LinkedHashSet<>();
        if (a != null && a.isArray()) {
            a.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.asText());
                }
            });
        }
        return List.copyOf(out);
    }

    private ObjectNode permissions() {
        return AgentPermissionFile.object(root, "permissions");
    }

    String text(ObjectMapper mapper) {
        return AgentPermissionFile.text(root, mapper);
    }
}
