package dev.fleet.tools;

import dev.fleet.exec.OutputListener;

/** What a running tool call may tell its caller while it works. */
public interface ToolCall {
    /** A caller that wants nothing while the call runs. */
    ToolCall NONE = new ToolCall() {
        @Override
        public void progress(double done, Double total, String message) {
        }

        @Override
        public boolean wantsProgress() {
            return false;
        }
    };

    /** Progress of a long operation; {@code total} may be null when unknown. */
    void progress(double done, Double total, String message);

    /** False when progress goes nowhere, so a tool need not prepare any. */
    default boolean wantsProgress() {
        return true;
    }

    /**
     * Where a command's output goes as it arrives, byte for byte (the terminal of
     * {@code fleet exec}); null when the caller wants it only in the result.
     */
    default OutputListener liveOutput() {
        return null;
    }
}
