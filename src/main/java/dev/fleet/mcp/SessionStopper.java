package dev.fleet.mcp;

import dev.fleet.tools.ShutdownServer;
import java.util.function.Supplier;

/**
 * shutdown_server ends the session that asked for it. The tool runs on the thread of its MCP
 * call, so the call's own "end my session" action is handed to it for the length of the call.
 */
public final class SessionStopper implements ShutdownServer.Stopper {
    private final ThreadLocal<Runnable> current = new ThreadLocal<>();

    @Override
    public void stopAfterReply() {
        Runnable end = current.get();
        if (end != null) {
            end.run();
        }
    }

    <T> T during(Runnable endSession, Supplier<T> call) {
        current.set(endSession);
        try {
            return call.get();
        } finally {
            current.remove();
        }
    }
}
