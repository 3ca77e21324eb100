package dev.fleet.tasks;

import dev.fleet.base.BundledText;
import dev.fleet.os.FleetSessions;
import dev.fleet.security.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The bash wrapper that runs one long-running task on a member ({@code task-wrapper.sh} beside
 * this class, with the task's values filled in). It is self-contained: bash and coreutils, no
 * python or jq. The commands travel base64-encoded inside it and are decoded by the wrapper, so
 * no quoting layer between here and the member's shell can alter them.
 */
public final class TaskWrapperScript {
    private static final String TEMPLATE = load();

    private TaskWrapperScript() {
    }

    /**
     * @param restartCommand command for retries (checkpoint resume); null: retries rerun {@code command}
     * @param workFolder     absolute folder on the member the commands run in
     */
    /**
     * @param runId the run id the task's command (not the wrapper) carries, a fresh one of the
     *              member's ({@link dev.fleet.exec.RunTag#next}): whatever the command leaves
     *              running after the task has completed counts as a fleet command still running,
     *              and no kill of the launching command's id reaches it
     */
    public static String render(TaskId id, String command, String restartCommand, int maxRetries, String workFolder, String runId) {
        if (maxRetries < 0 || maxRetries > 10) {
            throw new IllegalArgumentException("maxRetries must be 0 to 10");
        }
        if (!runId.matches("[a-z0-9]{1,12}-[0-9a-f]{32}")) {
            throw new IllegalArgumentException("runId must be a member tag and 32 hex digits");
        }
        // The folder is the only free text; it goes in last so no later placeholder can match inside it.
        return TEMPLATE.replace("@TASK_ID@", ShellQuote.posix(id.value()))
                .replace("@MAX_RETRIES@", Integer.toString(maxRetries))
                .replace("@COMMAND_B64@", "'" + base64(command) + "'")
                .replace("@RESTART_B64@", restartCommand == null ? "''" : "'" + base64(restartCommand) + "'")
                .replace("@SESSION_RECORD@", FleetSessions.record(runId))
                .replace("@RUN_ID@", runId)
                .replace("@WORK_FOLDER@", ShellQuote.posix(workFolder));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String load() {
        return BundledText.of(TaskWrapperScript.class, "task-wrapper.sh");
    }
}
