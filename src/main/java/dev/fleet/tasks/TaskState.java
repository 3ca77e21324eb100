package dev.fleet.tasks;

import java.util.Optional;

/** The states a task's wrapper records in {@code status.json}. */
public enum TaskState {
    RUNNING("running"), RETRYING("retrying"), COMPLETED("completed"), FAILED("failed"), CANCELLED("cancelled");

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
        return this == RUNNING || this == RETRYING;
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
