package dev.fleet.probe;

/** What an activity check found. Only {@link Idle} ever lets an instance be stopped. */
public sealed interface Activity {
    record Busy(String reason) implements Activity {
    }

    record Idle() implements Activity {
    }

    /** The check could not be completed; unknown never stops an instance. */
    record Unknown(String cause) implements Activity {
    }
}
