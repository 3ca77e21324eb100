package dev.fleet.tools;

/**
 * Another name for a tool: the original product's later releases renamed some tools
 * (provision_llm_auth, update_llm_cli); PM prompts written for either name keep working.
 */
public final class ToolAlias implements Tool {
    private final String name;
    private final Tool tool;

    ToolAlias(String name, Tool tool) {
        this.name = name;
        this.tool = tool;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return tool.description() + " (Same tool as " + tool.name() + ".)";
    }

    @Override
    public ParamSpec params() {
        return tool.params();
    }

    @Override
    public ToolResult call(ToolInput input, ToolCall call) throws Exception {
        return tool.call(input, call);
    }

    /** Registers a tool under its own name and one more. */
    public static java.util.List<Tool> both(Tool tool, String alias) {
        return java.util.List.of(tool, new ToolAlias(alias, tool));
    }
}
