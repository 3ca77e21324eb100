package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The secrets in an agent CLI's login file that fleet copies to a member (Claude's
 * {@code accessToken} and {@code refreshToken}, Codex's {@code OPENAI_API_KEY} and tokens): the
 * text values, at any depth of its JSON, of keys that name a token, a key or a secret. A member
 * may print its copy ({@code cat ~/.claude/.credentials.json}); these are starred out of answers
 * like the member's stored password. A file that is not JSON gives none.
 */
final class LoginTokens {
    /** Real tokens are long; a short value under such a key ({@code "tokenType": "Bearer"}) is a word, not a secret. */
    static final int SHORTEST = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoginTokens() {
    }

    static List<String> in(byte[] loginFile) {
        JsonNode root;
        try {
            root = JSON.readTree(loginFile);
        } catch (IOException e) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        collect(root, false, found);
        return found;
    }

    private static void collect(JsonNode node, boolean named, List<String> found) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            if (named && node.asText().length() >= SHORTEST) {
                found.add(node.asText());
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                collect(field.getValue(), namesASecret(field.getKey()), found);
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, named, found));
        }
    }

    private static boolean namesASecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("token") || k.contains("key") || k.contains("secret");
    }
}
