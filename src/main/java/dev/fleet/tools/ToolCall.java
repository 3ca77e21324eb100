package dev.fleet.tools;

import dev.fleet.base.Progress;
import dev.fleet.exec.OutputListener;

/** What a running tool call may tell its caller while it works; services receive it as their {@link Progress}. */
public interface ToolCall extends Progress {
    /** A caller that wants nothing while the call runs. */
    ToolCall NONE = new ToolCall() {
        @Override
        public void progress(double done, Double total, String message) {
        }

        @Override
        public boolean wanted() {
            return false;
        }
    };

    /** Progress of a long operation; {@code total} may be null when unknown. */
    void progress(double done, Double total, String message);

    @Override
    default void report(double done, Double total, String message) {
        progress(done, total, message);
    }

    /**
     * Where a command's output goes as it arrives, byte for byte (the terminal of
     * {@code fleet exec}); null when the caller wants it only in the result.
     */
    default OutputListener liveOutput() {
        return null;
    }
}
