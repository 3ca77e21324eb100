package dev.fleet.arch.violations.tools;

import dev.fleet.exec.ssh.SshKeys;
import dev.fleet.tools.ParamSpec;
import dev.fleet.tools.Tool;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolInput;
import dev.fleet.tools.ToolResult;
import java.nio.file.Path;

/** Breaks two rules on purpose: it calls another tool, and it makes SSH keys itself. */
public final class CallingTool implements Tool {
    private final CalledTool other = new CalledTool();

    @Override
    public String name() {
        return "calling";
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
    public ToolResult call(ToolInput input, ToolCall call) throws Exception {
        SshKeys.generateEd25519(Path.of("unused"), "never run");
        return other.call(input, call);
    }
}
