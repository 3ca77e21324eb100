package dev.fleet.permissions;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A member's {@code .claude/settings.local.json}. Fleet owns {@code permissions.allow} only:
 * every other key (hooks, env, {@code permissions.deny}, {@code permissions.ask}, …) is kept.
 */
final class ClaudeSettings {
    static final String RELATIVE_PATH = ".claude/settings.local.json";

    private final ObjectNode root;

    private ClaudeSettings(ObjectNode root) {
        this.root = root;
    }

    /** The settings from the file's text (null: no file). A file that is not a JSON object is refused, never overwritten. */
    static ClaudeSettings parse(String text, ObjectMapper mapper, String where) throws PermissionException {
        if (text == null || text.isBlank()) {
            return new ClaudeSettings(mapper.createObjectNode());
        }
        JsonNode n;
        try {
            n = mapper.readTree(text);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            throw new PermissionException(where + " is not a JSON object; fix it or move it aside (fleet does not overwrite it)");
        }
        return new ClaudeSettings((ObjectNode) n);
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
        JsonNode p = root.get("permissions");
        return p != null && p.isObject() ? (ObjectNode) p : root.putObject("permissions");
    }

    /** Pretty JSON and a newline, ASCII only (escapes survive any console code page on the way to the member). */
    String text(ObjectMapper mapper) {
        try {
            return mapper.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writer().with(JsonGenerator.Feature.ESCAPE_NON_ASCII).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot render settings", e);
        }
    }
}
