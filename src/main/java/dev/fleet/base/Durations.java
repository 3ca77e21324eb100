package dev.fleet.base;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read and write them: {@code 45s}, {@code 12m}, {@code 1h05m}, {@code 3d4h}. */
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
            return (m / 60) + "h" + (m % 60 == 0 ? "" : (m % 60 < 10 ? "0" : "") + (m % 60) + "m");
        }
        return d.toDays() + "d" + (d.toHours() % 24) + "h";
    }

    /**
     * A duration as a person writes it in a setting or an option: a whole number followed by
     * {@code s}, {@code m} or {@code h}, or a bare whole number of minutes; {@code 0} is zero.
     *
     * @throws IllegalArgumentException saying what was expected (the caller names the setting)
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        String number = Character.isLetter(unit) ? t.substring(0, t.length() - 1) : t;
        long n;
        try {
            n = Long.parseLong(number);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw new IllegalArgumentException("'" + text + "' is not 0 or a whole number with s, m or h (e.g. 90s, 30m, 2h)");
        }
        return switch (Character.isLetter(unit) ? unit : 'm') {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("'" + text + "' must end in s, m or h (e.g. 90s, 30m, 2h)");
        };
    }
}
