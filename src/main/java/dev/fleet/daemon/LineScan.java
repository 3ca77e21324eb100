package dev.fleet.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * What the relay needs to know about one MCP line, read with Jackson's streaming parser only (the
 * relay stays small): its method and its id, as JSON text so {@code 1} and {@code "1"} differ.
 * Lines that are not JSON objects scan as {@link #NONE}; the daemon answers those.
 */
record LineScan(String method, String id, boolean isResponse) {
    static final LineScan NONE = new LineScan(null, null, false);
    private static final JsonFactory JSON = new JsonFactory();

    boolean isRequest() {
        return method != null && id != null;
    }

    static LineScan of(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            return scan(p);
        } catch (IOException e) {
            return NONE;
        }
    }

    /** The same for a line as UTF-8 bytes (what the relay reads from the daemon). */
    static LineScan of(byte[] line) {
        try (JsonParser p = JSON.createParser(line)) {
            return scan(p);
        } catch (IOException e) {
            return NONE;
        }
    }

    private static LineScan scan(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return NONE;
        }
        String method = null;
        String id = null;
        boolean result = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "method" -> method = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "id" -> id = v == JsonToken.VALUE_STRING ? quote(p.getText())
                        : v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
                case "result", "error" -> result = true;
                default -> { }
            }
            if (result && id != null && method == null) {
                // A response: nothing after its id and result changes that, and a result can be
                // large (tools/list is 40 KB), so it is relayed without being read through.
                return new LineScan(null, id, true);
            }
            p.skipChildren();
        }
        return t == JsonToken.END_OBJECT ? new LineScan(method, id, method == null && result) : NONE;
    }

    /**
     * The id of a message known only by its start (one too long to pass on), when the id comes
     * before the cut (it usually leads); JSON text, or null.
     */
    static String idOfStart(String start) {
        try (JsonParser p = JSON.createParser(start)) {
            JsonToken v = toField(p, "id");
            return v == JsonToken.VALUE_STRING ? quote(p.getText()) : v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
        } catch (IOException e) {
            return null; // cut before the id
        }
    }

    /**
     * Moves a parser at the start of a message to the value of its top-level field {@code name},
     * skipping the others whole; that value's token, or null when the message is no object or has
     * no such field.
     */
    static JsonToken toField(JsonParser p, String name) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals(name)) {
                return value;
            }
            p.skipChildren();
        }
        return null;
    }

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** A JSON-RPC error response to {@code id} (JSON text). */
    static String error(String id, int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code + ",\"message\":" + quote(message) + "}}";
    }
}
