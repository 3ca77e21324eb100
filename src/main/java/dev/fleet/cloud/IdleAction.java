package dev.fleet.cloud;

import java.util.Locale;

/** What one idle check decided for a member. */
public enum IdleAction {
    /** Idle past its timeout: the instance was asked to stop. */
    STOP,
    /** Busy, in doubt, or the stop failed: the instance keeps running. */
    KEEP,
    /** The instance is not running; nothing to decide. */
    SKIP;

    /** As the log shows it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
