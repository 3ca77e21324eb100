package dev.fleet.cloud;

import java.util.Locale;

/** The life-cycle states of a cloud VM, as EC2 names them (other providers map onto these). */
public enum InstanceState {
    PENDING, RUNNING, STOPPING, STOPPED, SHUTTING_DOWN, TERMINATED, UNKNOWN;

    public static InstanceState fromName(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isGone() {
        return this == TERMINATED || this == SHUTTING_DOWN;
    }
}
