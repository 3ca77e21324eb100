package dev.fleet.tasks;

import java.util.Optional;

/**
 * The states a task's wrapper records in {@code status.json}. {@code resumed} and
 * {@code interrupted} belong to resume after restart ({@link TaskResume}): relaunched after an
 * instance stop, or stopped under it and not relaunched.
 */
public enum TaskState {
    RUNNING("running"), RETRYING("retrying"), RESUMED("resumed"), INTERRUPTED("interrupted"), COMPLETED("completed"),
    FAILED("failed"), CANCELLED("cancelled");

    private final String json;

    TaskState(String json) {
        this.json = json;
    }

    /** As the wrapper writes it and tools show it. */
    public String json() {
        return json;
    }

    /** The wrapper has ended and recorded how. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** A command is (or should be) running. */
    public boolean active() {
        return this == RUNNING || this == RETRYING || this == RESUMED;
    }

    public static Optional<TaskState> fromJson(String value) {
        for (TaskState s : values()) {
            if (s.json.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
