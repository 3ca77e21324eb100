package dev.fleet.base;

import java.time.Duration;

/** Durations as people read them: {@code 45s}, {@code 12m}, {@code 1h05m}, {@code 3d4h}. */
public final class Durations {
    private Durations() {
    }

    public static String human(Duration d) {
        if (d.toSeconds() < 60) {
            return d.toSeconds() + "s";
        }
        long m = d.toMinutes();
        if (m < 60) {
            return m + "m";
        }
        if (m < 48 * 60) {
            return (m / 60) + "h" + (m % 60 == 0 ? "" : String.format("%02dm", m % 60));
        }
        return d.toDays() + "d" + (d.toHours() % 24) + "h";
    }
}
