package dev.fleet.arch.violations.tools;

import dev.fleet.tools.ParamSpec;
import dev.fleet.tools.Tool;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolInput;
import dev.fleet.tools.ToolResult;

/** Breaks no rule itself: the tool another tool wrongly calls. */
public final class CalledTool implements Tool {
    @Override
    public String name() {
        return "called";
    }

    @Override
    public String description() {
        return "A tool for the layering rules' own test.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of();
    }

    @Override
    public ToolResult call(ToolInput input, ToolCall call) {
        return ToolResult.ok("called");
    }
}
