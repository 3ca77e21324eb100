package dev.fleet.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "call", description = "Call any tool by name with JSON arguments, e.g. fleet call fleet_status '{\"format\":\"json\"}'.")
final class CallCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TOOL", description = "Tool name, as listed by the MCP server.")
    String tool;

    @Parameters(index = "1", arity = "0..1", paramLabel = "JSON", description = "Arguments as a JSON object (default {}).")
    String json;

    @Override
    public Integer call() {
        Map<String, Object> args;
        try {
            args = json == null ? Map.of() : new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            System.err.println("Invalid input: JSON must be a JSON object of arguments: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            return 2;
        }
        return ToolCli.print(ToolCli.run(tool, args), System.out, System.err);
    }
}
