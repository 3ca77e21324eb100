package dev.fleet.tools;

/** shutdown_server: ends this fleet server once the answer has been sent. */
public final class ShutdownServer implements Tool {
    /** What the front end does to stop after answering; the MCP server closes its transport and exits. */
    public interface Stopper {
        void stopAfterReply();
    }

    private final Stopper stopper;

    public ShutdownServer(Stopper stopper) {
        this.stopper = stopper;
    }

    @Override
    public String name() {
        return "shutdown_server";
    }

    @Override
    public String description() {
        return "Stop this fleet server: close every member connection and exit after this answer is sent. "
                + "The MCP client restarts it on its next use. Members and the registry are not changed.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of();
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        stopper.stopAfterReply();
        return ToolResult.ok("Fleet server is shutting down.");
    }
}
