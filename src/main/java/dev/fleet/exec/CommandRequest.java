package dev.fleet.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A shell command to run on a member.
 *
 * @param script     shell text, interpreted by the member's shell by definition
 * @param workFolder folder to run in (absolute on the member); never interpreted by a shell
 * @param timeout    after this the whole process tree is ended
 * @param outputCap  bytes of stdout and of stderr (each) returned inline; the rest spills to a file
 * @param stdin      bytes fed to the command's standard input (null: none). Secrets and large
 *                   payloads travel here, never on a command line where other users could see them
 * @param listener   sees the output as it arrives (null: nobody); the result is the same either way
 * @param look       a look fleet takes at the member (status, activity, GPU): it is tagged apart
 *                   from work, so that no fleet server's activity check takes it for work there
 */
public record CommandRequest(String script, String workFolder, Duration timeout, int outputCap, byte[] stdin,
                             OutputListener listener, boolean look) {
    public static final int DEFAULT_OUTPUT_CAP = 50 * 1024;

    public CommandRequest(String script, String workFolder, Duration timeout, int outputCap) {
        this(script, workFolder, timeout, outputCap, null, null, false);
    }

    public CommandRequest(String script, String workFolder, Duration timeout, int outputCap, byte[] stdin) {
        this(script, workFolder, timeout, outputCap, stdin, null, false);
    }

    public CommandRequest withStdin(byte[] input) {
        return new CommandRequest(script, workFolder, timeout, outputCap, input, listener, look);
    }

    public CommandRequest withListener(OutputListener outputListener) {
        return new CommandRequest(script, workFolder, timeout, outputCap, stdin, outputListener, look);
    }

    /** Captures for stdout and stderr that also pass what they read to the listener, if any. */
    public OutputCapture stdoutCapture(Supplier<Path> spill) {
        return new OutputCapture(outputCap, spill, listener == null ? null : listener::stdout);
    }

    public OutputCapture stderrCapture(Supplier<Path> spill) {
        return new OutputCapture(outputCap, spill, listener == null ? null : listener::stderr);
    }

    public CommandRequest withOutputCap(int cap) {
        return new CommandRequest(script, workFolder, timeout, cap, stdin, listener, look);
    }

    public static CommandRequest probe(String script, Duration timeout) {
        return new CommandRequest(script, null, timeout, DEFAULT_OUTPUT_CAP);
    }

    /** A probe that only looks (status, activity, GPU samples): never counted as work on the member. */
    public static CommandRequest look(String script, Duration timeout) {
        return new CommandRequest(script, null, timeout, DEFAULT_OUTPUT_CAP, null, null, true);
    }
}
