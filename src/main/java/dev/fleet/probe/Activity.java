package dev.fleet.probe;

/** What an activity check found. Only {@link Idle} ever lets an instance be stopped. */
public sealed interface Activity {
    record Busy(String reason) implements Activity {
    }

    /**
     * @param aside what was seen but is no work, for the one who wonders why the instance stopped
     *              (a transfer session left open by a mount); empty when nothing was
     */
    record Idle(String aside) implements Activity {
        public Idle() {
            this("");
        }
    }

    /** The check could not be completed; unknown never stops an instance. */
    record Unknown(String cause) implements Activity {
    }
}
