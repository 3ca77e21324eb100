package dev.fleet.tools;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.RequestRefused;
import dev.fleet.exec.ChannelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tools by name for every front end (MCP and command line). This is the one place where
 * failures become error results: invalid input names the parameter, a {@link RequestRefused}
 * (from a tool or a service) keeps its message, anything unexpected is reported without its internals, and every secret
 * passed in the call is redacted from whatever goes back.
 */
public final class ToolRunner {
    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);

    /** A name callers may call: a tool's own, or another name for the same tool. */
    public record Listing(String name, String description, Tool tool) {
    }

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    /** Every callable name: the tools' own and their other names. */
    private final Map<String, Tool> byName = new LinkedHashMap<>();
    private final List<Listing> listings = new ArrayList<>();

    public ToolRunner(List<Tool> tools) {
        this(tools, Map.of());
    }

    /**
     * @param aliases other names (key) for tools (value: the tool's own name). The original product's
     *                later releases renamed some tools; a PM prompt written for either name keeps working,
     *                and both names reach the one tool.
     */
    public ToolRunner(List<Tool> tools, Map<String, String> aliases) {
        for (Tool t : tools) {
            this.tools.put(t.name(), t);
            byName.put(t.name(), t);
        }
        Map<String, List<String>> othersOf = new LinkedHashMap<>();
        new TreeMap<>(aliases).forEach((alias, name) -> {
            if (!this.tools.containsKey(name) || this.tools.containsKey(alias)) {
                throw new IllegalArgumentException("alias " + alias + " -> " + name + ": no such tool, or the name is taken");
            }
            byName.put(alias, this.tools.get(name));
            othersOf.computeIfAbsent(name, k -> new ArrayList<>()).add(alias);
        });
        for (Tool t : tools) {
            listings.add(new Listing(t.name(), t.description(), t));
            for (String alias : othersOf.getOrDefault(t.name(), List.of())) {
                listings.add(new Listing(alias, t.description() + " (Same tool as " + t.name() + ".)", t));
            }
        }
    }

    /** The tools, each once. */
    public List<Tool> tools() {
        return List.copyOf(tools.values());
    }

    /** Every name a caller may use, an alias right after its tool: what a front end lists. */
    public List<Listing> listings() {
        return List.copyOf(listings);
    }

    public ToolResult run(String name, Map<String, Object> arguments, ToolCall call) {
        Tool tool = byName.get(name);
        if (tool == null) {
            return ToolResult.error("Unknown tool '" + name + "'. Tools: " + String.join(", ", byName.keySet()));
        }
        ToolInput input;
        try {
            input = tool.params().parse(arguments);
        } catch (InvalidRequest e) {
            return ToolResult.error(e.getMessage());
        }
        try {
            ToolResult result = tool.call(input, call);
            return redact(result, input.secrets());
        } catch (RequestRefused e) {
            return redact(ToolResult.error(e.getMessage()), input.secrets());
        } catch (ChannelException e) {
            // The member could not be reached or the channel broke: expected, and the message says why.
            return redact(ToolResult.error(e.getMessage()), input.secrets());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolResult.error(name + " was interrupted");
        } catch (Exception e) {
            // Unexpected: log the type for maintainers (never the message, which might quote input).
            log.error("{} failed unexpectedly: {}", name, e.getClass().getName(), e);
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return redact(ToolResult.error(name + " failed: " + detail), input.secrets());
        }
    }

    private static ToolResult redact(ToolResult result, List<String> secrets) {
        if (secrets.isEmpty()) {
            return result;
        }
        String text = result.text();
        for (String s : secrets) {
            text = text.replace(s, "********");
        }
        // Structured data is built from records that never hold secrets; text is the only carrier.
        return new ToolResult(text, result.structured(), result.isError());
    }
}
