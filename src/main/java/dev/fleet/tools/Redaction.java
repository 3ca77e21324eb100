package dev.fleet.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fleet.security.KnownSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stars out secrets in a tool's answer: its text and its structured data alike. The structured
 * data is no safer than the text: it carries what members print (a command's output, an agent's
 * reply) and what services answer (an error quoting the request), so it is searched all through.
 * Each secret is looked for in every form it may be printed in ({@link KnownSecrets}: as given,
 * URL-encoded, base64 alone or inside larger data, wrapped over lines or not), as in what services say.
 */
final class Redaction {
    static final String STARS = "********";
    /** The shortest start of a secret starred at a cut line's end: fewer characters tell nothing. */
    private static final int MIN_CUT = 4;
    private static final ObjectMapper TREES = new ObjectMapper().findAndRegisterModules();

    /** Nothing to star: most calls hold no secret, and need not build a search for none. */
    private static final Redaction NONE = new Redaction(List.of());

    private final List<String> secrets;
    /** Every secret in each form it may be printed in (as given, URL-encoded, base64), longest first. */
    private final KnownSecrets forms;

    static Redaction of(List<String> secrets) {
        return secrets.isEmpty() ? NONE : new Redaction(secrets);
    }

    private Redaction(List<String> secrets) {
        // The longest first: a secret that contains another is starred whole.
        this.secrets = secrets.stream().distinct().sorted((a, b) -> b.length() - a.length()).toList();
        this.forms = KnownSecrets.of(this.secrets.toArray(String[]::new));
    }

    ToolResult apply(ToolResult result) {
        if (secrets.isEmpty()) {
            return result;
        }
        for (Path f : result.outputFiles()) {
            try {
                OutputFileRedaction.rewrite(f, this::text, reach());
            } catch (IOException | RuntimeException e) {
                // The file cannot be left holding a secret the answer hides: it goes.
                removeQuietly(f);
            }
        }
        return new ToolResult(text(result.text()), structured(result.structured()), result.isError(), result.outputFiles());
    }

    /** Characters a secret's longest form may span in output: no piece of a file is cut nearer its end than this. */
    private int reach() {
        int longest = secrets.stream().mapToInt(String::length).max().orElse(0);
        // URL-encoding takes up to 9 characters for a character (3 UTF-8 bytes), base64 of user:secret a third more,
        // and wrapped base64 a line break every 64 characters: 12 per character covers each form.
        return 12 * longest + 256;
    }

    private static void removeQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // Nothing more can be done here; the answer still hides the secret.
        }
    }

    String text(String s) {
        return s == null ? null : forms.removeFrom(s, STARS);
    }

    /**
     * A progress message: the newest lines of a command's output, each possibly cut (at a length
     * limit, or where the output has arrived so far). Besides whole secrets, a line that ends in
     * the first characters of one in any form (four or more) has them starred: the rest may never
     * be shown. So has a first line that begins with the last characters of a secret's base64,
     * wrapped from a line that is no longer in the message.
     */
    String tail(String message) {
        if (message == null || secrets.isEmpty()) {
            return message;
        }
        String[] lines = text(message).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lines[i] = forms.withoutCutForms(lines[i], STARS, MIN_CUT);
        }
        return String.join("\n", lines);
    }

    private Object structured(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof Enum<?>) {
            return v;
        }
        if (v instanceof CharSequence s) {
            return text(s.toString());
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, value) -> copy.put(structured(k), structured(value)));
            return copy;
        }
        if (v instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(structured(item)));
            return copy;
        }
        if (v instanceof JsonNode node) {
            return tree(node.deepCopy());
        }
        try {
            // A record or any other value is shown as its JSON form: that form is what is searched.
            return tree(TREES.valueToTree(v));
        } catch (IllegalArgumentException e) {
            return null; // what cannot be searched is not shown; the text still is
        }
    }

    private JsonNode tree(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(text(node.asText()));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(text(e.getKey()), tree(e.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(item -> copy.add(tree(item)));
            return copy;
        }
        return node;
    }
}
