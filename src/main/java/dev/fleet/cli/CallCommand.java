package dev.fleet.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "call", description = "Call any tool by name with JSON arguments, e.g. fleet call fleet_status '{\"format\":\"json\"}'.")
final class CallCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOOL", description = "Tool name, as listed by the MCP server.")
    String tool;

    @Parameters(index = "1", arity = "0..1", paramLabel = "JSON", description = {"Arguments as a JSON object (default {}).",
        "- reads them from standard input instead: arguments that hold a secret (a password, a token, an API key) "
            + "then stay out of the process list and the shell's history."})
    String json;

    static final int MAX_STDIN_BYTES = 16 * 1024 * 1024;

    @Override
    public Integer call() throws IOException {
        String text = json;
        if ("-".equals(json)) {
            // Bounded: a file or stream without end (a wrong redirect, /dev/zero) filled the heap and
            // ended in an OutOfMemoryError. No tool's arguments come near this size.
            byte[] in = System.in.readNBytes(MAX_STDIN_BYTES + 1);
            if (in.length > MAX_STDIN_BYTES) {
                System.err.println("Invalid input: JSON on standard input must be at most " + MAX_STDIN_BYTES / (1024 * 1024)
                        + " MiB; nothing was called");
                return 2;
            }
            text = new String(in, StandardCharsets.UTF_8);
        }
        String refused = null;
        Map<String, Object> args = Map.of();
        try {
            args = arguments(text);
        } catch (JsonProcessingException e) {
            refused = refusal(e);
        }
        if (refused != null) {
            System.err.println(refused);
            return 2;
        }
        return ToolCli.print(ToolCli.run(tool, args), System.out, System.err);
    }

    /**
     * Strict: text after the object, or a key given twice, is refused rather than ignored or
     * decided for the caller (with {@code "command"} twice the second ran, and an object followed
     * by {@code garbage {{{} ran as if the rest were not there).
     */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    /** Text after the arguments' object: refused, whatever it is (JSON or not). */
    static final class TextAfterObject extends JsonProcessingException {
        TextAfterObject(com.fasterxml.jackson.core.JsonLocation where) {
            super("text after the object", where);
        }
    }

    static Map<String, Object> arguments(String text) throws JsonProcessingException {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            Map<String, Object> args = MAPPER.readValue(parser, OBJECT);
            com.fasterxml.jackson.core.JsonLocation end = parser.currentLocation();
            try {
                if (parser.nextToken() != null) {
                    throw new TextAfterObject(parser.currentTokenLocation());
                }
            } catch (com.fasterxml.jackson.core.JsonParseException notJson) {
                throw new TextAfterObject(notJson.getLocation() != null ? notJson.getLocation() : end);
            }
            return args;
        } catch (java.io.IOException e) {
            if (e instanceof JsonProcessingException j) {
                throw j;
            }
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /** Where, never what: the parser's message quotes the text it stopped at, which may be a secret. */
    static String refusal(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
        String said = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (said.startsWith("Duplicate field")) {
            return "Invalid input: JSON names the same argument twice" + where + "; give each argument once; nothing was called";
        }
        if (e instanceof TextAfterObject) {
            return "Invalid input: JSON must be one JSON object of arguments with nothing after it; there is more text" + where
                    + "; nothing was called";
        }
        return "Invalid input: JSON must be a JSON object of arguments; this is not one" + where;
    }
}
