package dev.fleet.exec;

/**
 * Sees a command's output as it arrives, before any capping: the command line streams it to the
 * terminal, MCP progress shows its newest lines. Called on the threads that read the streams, so
 * it must be quick and must not throw; the bytes are only valid during the call.
 */
public interface OutputListener {
    void stdout(byte[] bytes, int offset, int length);

    void stderr(byte[] bytes, int offset, int length);
}
