package dev.fleet.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * A task's {@code status.json}, as its wrapper last wrote it.
 *
 * @param status    what the wrapper recorded last
 * @param exitCode  exit code of the last finished attempt; null while the first one runs
 * @param retries   retries started so far
 */
public record TaskStatus(String taskId, TaskState status, String started, String updated, Integer exitCode, int retries,
                         Integer maxRetries, Long pid, Integer activityIntervalSec) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The wrapper has ended and recorded how (completed, failed or cancelled). */
    public boolean finished() {
        return status.finished();
    }

    /** The status says a command is (or should be) running. */
    public boolean active() {
        return status.active();
    }

    /** Parses status.json; empty when it is absent or unreadable (a state this version does not know included). */
    public static Optional<TaskStatus> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || !n.path("status").isTextual()) {
                return Optional.empty();
            }
            Optional<TaskState> state = TaskState.fromJson(n.path("status").asText());
            if (state.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new TaskStatus(text(n, "taskId"), state.get(), text(n, "started"), text(n, "updated"),
                    n.path("exitCode").isIntegralNumber() ? n.path("exitCode").intValue() : null,
                    n.path("retries").asInt(0),
                    n.path("maxRetries").isIntegralNumber() ? n.path("maxRetries").intValue() : null,
                    n.path("pid").isIntegralNumber() ? n.path("pid").longValue() : null,
                    n.path("activityIntervalSec").isIntegralNumber() ? n.path("activityIntervalSec").intValue() : null));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.path(field).asText() : null;
    }
}
