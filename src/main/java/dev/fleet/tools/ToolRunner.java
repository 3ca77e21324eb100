package dev.fleet.tools;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.RequestRefused;
import dev.fleet.exec.ChannelException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private final Map<String, Tool> tools = new LinkedHashMap<>();

    public ToolRunner(List<Tool> tools) {
        for (Tool t : tools) {
            this.tools.put(t.name(), t);
        }
    }

    public List<Tool> tools() {
        return List.copyOf(tools.values());
    }

    public ToolResult run(String name, Map<String, Object> arguments, ToolCall call) {
        Tool tool = tools.get(name);
        if (tool == null) {
            return ToolResult.error("Unknown tool '" + name + "'. Tools: " + String.join(", ", tools.keySet()));
        }
        ToolInput input;
        try {
            input = tool.params().parse(arguments).forTool(name);
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
            // Unexpected: log the types and where they were thrown for maintainers, never a message
            // (messages can quote input, a secret among it).
            log.error("{} failed unexpectedly: {}", name, withoutMessages(e));
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return redact(ToolResult.error(name + " failed: " + detail), input.secrets());
        } finally {
            // Work the call entered (see MemberTarget.work) leaves the ledger, whatever the outcome.
            input.end();
        }
    }

    /** The exception and its causes as type names and stack frames only. */
    static String withoutMessages(Throwable e) {
        StringBuilder t = new StringBuilder();
        int depth = 0;
        for (Throwable c = e; c != null && depth < 10; c = c.getCause(), depth++) {
            t.append(depth == 0 ? "" : "\ncaused by: ").append(c.getClass().getName());
            StackTraceElement[] frames = c.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 12); i++) {
                t.append("\n\tat ").append(frames[i]);
            }
            if (frames.length > 12) {
                t.append("\n\t... ").append(frames.length - 12).append(" more");
            }
        }
        return t.toString();
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
