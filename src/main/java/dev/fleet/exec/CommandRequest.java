package dev.fleet.exec;

import java.time.Duration;

/**
 * A shell command to run on a member.
 *
 * @param script     shell text, interpreted by the member's shell by definition
 * @param workFolder folder to run in (absolute on the member); never interpreted by a shell
 * @param timeout    after this the whole process tree is ended
 * @param outputCap  bytes of stdout and of stderr (each) returned inline; the rest spills to a file
 * @param stdin      bytes fed to the command's standard input (null: none). Secrets and large
 *                   payloads travel here, never on a command line where other users could see them
 */
public record CommandRequest(String script, String workFolder, Duration timeout, int outputCap, byte[] stdin) {
    public static final int DEFAULT_OUTPUT_CAP = 50 * 1024;

    public CommandRequest(String script, String workFolder, Duration timeout, int outputCap) {
        this(script, workFolder, timeout, outputCap, null);
    }

    public CommandRequest withStdin(byte[] input) {
        return new CommandRequest(script, workFolder, timeout, outputCap, input);
    }

    public CommandRequest withOutputCap(int cap) {
        return new CommandRequest(script, workFolder, timeout, cap, stdin);
    }

    public static CommandRequest probe(String script, Duration timeout) {
        return new CommandRequest(script, null, timeout, DEFAULT_OUTPUT_CAP);
    }
}
