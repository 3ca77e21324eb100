package dev.fleet.agentcli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON objects in an agent CLI's stdout, in order, whatever the shape: one object, a JSON
 * array of events (Claude Code 2.1.113+ with some settings), or one object per line (NDJSON).
 * Lines that are not JSON objects (warnings, banners) are skipped.
 */
final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    static List<JsonNode> objects(String stdout) {
        List<JsonNode> out = new ArrayList<>();
        String trimmed = stdout.strip();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            try {
                JsonNode whole = JSON.readTree(trimmed);
                if (whole != null && whole.isArray()) {
                    whole.forEach(n -> {
                        if (n.isObject()) {
                            out.add(n);
                        }
                    });
                    return out;
                }
                if (whole != null && whole.isObject() && !trimmed.contains("\n{")) {
                    out.add(whole);
                    return out;
                }
            } catch (JsonProcessingException e) {
                // Not one document: read it line by line below.
            }
        }
        for (String line : stdout.split("\\R")) {
            String l = line.strip();
            if (!l.startsWith("{")) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(l);
                if (n != null && n.isObject()) {
                    out.add(n);
                }
            } catch (JsonProcessingException e) {
                // A line that only looks like JSON.
            }
        }
        return out;
    }

    /** A field as text, or null when absent, null or not a value. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.canConvertToLong() ? v.asLong() : null;
    }

    static long sum(Long a, long b) {
        return (a == null ? 0 : a) + b;
    }
}
