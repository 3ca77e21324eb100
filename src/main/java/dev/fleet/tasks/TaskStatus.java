package dev.fleet.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * A task's {@code status.json}, as its wrapper last wrote it.
 *
 * @param status    running, retrying, completed, failed or cancelled; resumed (relaunched after an
 *                  instance stop) or interrupted (stopped under it, not relaunched)
 * @param exitCode  exit code of the last finished attempt; null while the first one runs
 * @param retries   retries started so far
 */
public record TaskStatus(String taskId, String status, String started, String updated, Integer exitCode, int retries,
                         Integer maxRetries, Long pid, Integer activityIntervalSec) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The wrapper has ended and recorded how (completed, failed or cancelled). */
    public boolean finished() {
        return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    /** The status says a command is (or should be) running. */
    public boolean active() {
        return "running".equals(status) || "retrying".equals(status) || "resumed".equals(status);
    }

    /** Parses status.json; empty when it is absent or unreadable. */
    public static Optional<TaskStatus> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || !n.path("status").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new TaskStatus(text(n, "taskId"), text(n, "status"), text(n, "started"), text(n, "updated"),
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
