package dev.fleet.os;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One agent CLI run as the member-side wrapper starts it. The prompt (and a secret, if any)
 * never appear here: they arrive on the wrapper's stdin as {@link #payload}.
 *
 * @param runId          random id naming the run's private folder ({@code ~/.fleet-prompts/<runId>})
 * @param memberId       the member the run belongs to, so a stop can find every run of a member
 * @param executable     the CLI's command name, looked up on PATH
 * @param args           arguments, quoted by the OS builder
 * @param secretVariable environment variable that receives the secret from the payload; null for none
 * @param input          how the prompt reaches the CLI
 * @param promptFolder   for {@link Input#FILE_IN_FOLDER}: a hidden folder the wrapper creates in the work folder
 *                       for the prompt file ({@link #promptPath}, which the arguments point the agent at); it is
 *                       removed when the run ends
 */
public record PromptLaunch(String runId, String memberId, String executable, List<String> args, String secretVariable,
                           Input input, String promptFolder) {
    /** The prompt file's name in {@link #promptFolder}. */
    public static final String PROMPT_FILE = "prompt.md";

    /** How the prompt reaches the CLI. */
    public enum Input {
        /** The prompt is the CLI's standard input. */
        STDIN,
        /** The prompt is a file in the work folder; the arguments tell the agent to read it. */
        FILE_IN_FOLDER
    }

    public PromptLaunch {
        args = List.copyOf(args);
        if (!runId.matches("[A-Za-z0-9]{8,64}")) {
            throw new IllegalArgumentException("run id must be 8 to 64 letters or digits");
        }
        if (!memberId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("member id must be letters, digits, '.', '_' or '-'");
        }
        if (!executable.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("executable must be a plain command name");
        }
        if (secretVariable != null && !secretVariable.matches("[A-Z][A-Z0-9_]{0,63}")) {
            throw new IllegalArgumentException("secret variable must be an upper-case variable name");
        }
        if (input == Input.FILE_IN_FOLDER && (promptFolder == null || !promptFolder.matches("\\.[A-Za-z0-9._-]{1,80}"))) {
            throw new IllegalArgumentException("a prompt folder must be a hidden plain folder name");
        }
    }

    /**
     * Where the prompt file is, relative to the work folder. It is written into a folder the
     * wrapper has just created (which fails when anything has that name already), never straight
     * into the work folder: a link planted there under the file's name would be written through,
     * to a file outside the work folder.
     */
    public static String promptPath(String promptFolder) {
        return promptFolder + "/" + PROMPT_FILE;
    }

    /**
     * What the wrapper reads on stdin: one line with the base64 secret (or {@code -} for none),
     * then the base64 prompt. Base64 keeps both free of anything a shell could interpret.
     */
    public static byte[] payload(String secret, String prompt) {
        Base64.Encoder b64 = Base64.getEncoder();
        String first = secret == null || secret.isEmpty() ? "-" : b64.encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        return (first + "\n" + b64.encodeToString(prompt.getBytes(StandardCharsets.UTF_8)) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A folder (relative to the member's home) whose files change while the CLI works: its session transcript. */
    public record WatchedFolder(String homeRelativePath, int depth) {
        public WatchedFolder {
            if (!homeRelativePath.matches("[A-Za-z0-9._/-]{1,200}") || homeRelativePath.contains("..")) {
                throw new IllegalArgumentException("watched folder must be a plain home-relative path");
            }
        }
    }
}
