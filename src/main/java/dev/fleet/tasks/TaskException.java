package dev.fleet.tasks;

/** A task could not be started, read or stopped; the message says why and is safe to show. */
public final class TaskException extends Exception {
    public TaskException(String message) {
        super(message);
    }
}
