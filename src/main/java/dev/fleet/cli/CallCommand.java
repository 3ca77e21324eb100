package dev.fleet.cli;

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
        Map<String, Object> args;
        try {
            args = text == null || text.isBlank() ? Map.of() : new ObjectMapper().readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            // Where, never what: the parser's message quotes the text it stopped at, which may be a secret.
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            System.err.println("Invalid input: JSON must be a JSON object of arguments; this is not one" + where);
            return 2;
        }
        return ToolCli.print(ToolCli.run(tool, args), System.out, System.err);
    }
}
