package dev.fleet.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * The answer of a tool: text for the reader (an LLM or a person), optional structured data for
 * programs, and whether it is an error. {@code outputFiles} are files on this machine the answer
 * names as holding what a member printed (a command's full output): they are redacted like the
 * answer itself.
 */
public record ToolResult(String text, Object structured, boolean isError, List<Path> outputFiles) {
    public ToolResult {
        outputFiles = outputFiles == null ? List.of() : List.copyOf(outputFiles);
    }

    public ToolResult(String text, Object structured, boolean isError) {
        this(text, structured, isError, List.of());
    }

    public ToolResult withOutputFiles(List<Path> files) {
        return new ToolResult(text, structured, isError, files);
    }
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
