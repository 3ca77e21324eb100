package dev.fleet.tools;

/** One MCP tool. The same definition drives the MCP server and the command line. */
public interface Tool {
    String name();

    /** Written for an LLM reader: what it does, when to use it, what it costs. */
    String description();

    ParamSpec params();

    ToolResult call(ToolInput input, ToolCall call) throws Exception;
}
