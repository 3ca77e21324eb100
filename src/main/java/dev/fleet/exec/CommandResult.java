package dev.fleet.exec;

import java.time.Duration;

/**
 * What a command did. {@code exitCode} is null when the command was ended by its timeout.
 * When a stream exceeded its cap, the inline text is its tail and {@code *FullPath} names the
 * file holding all of it.
 */
public record CommandResult(
        Integer exitCode,
        String stdout,
        String stderr,
        boolean timedOut,
        Duration elapsed,
        long stdoutBytes,
        long stderrBytes,
        String stdoutFullPath,
        String stderrFullPath) {

    public boolean succeeded() {
        return !timedOut && exitCode != null && exitCode == 0;
    }

    public boolean stdoutTruncated() {
        return stdoutFullPath != null;
    }

    public boolean stderrTruncated() {
        return stderrFullPath != null;
    }
}
