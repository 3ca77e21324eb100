package dev.fleet.tools;

/**
 * The answer of a tool: text for the reader (an LLM or a person), optional structured data for
 * programs, and whether it is an error.
 */
public record ToolResult(String text, Object structured, boolean isError) {
    public static ToolResult ok(String text) {
        return new ToolResult(text, null, false);
    }

    public static ToolResult ok(String text, Object structured) {
        return new ToolResult(text, structured, false);
    }

    public static ToolResult error(String text) {
        return new ToolResult(text, null, true);
    }
}
