package dev.fleet.agentcli;

/**
 * What one CLI run is asked to do, besides the prompt itself (which never appears here).
 *
 * @param resumeSession  session to continue, or null for a new one
 * @param model          model id to pass, or null for the CLI's default
 * @param maxTurns       turn limit, applied where the CLI has one
 * @param promptFileName for CLIs that read the prompt from a file: its path relative to the work folder
 */
public record Invocation(String resumeSession, String model, UnattendedMode mode, int maxTurns, String promptFileName) {
}
