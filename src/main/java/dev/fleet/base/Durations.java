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
     * The longest duration {@link #parse} takes. A setting or option longer than a year is a
     * mistake, and no bound let {@code 99999999999999h} through to overflow the first arithmetic
     * on it (the daemon's idle check crashed the daemon with a long overflow).
     */
    public static final Duration MAX = Duration.ofDays(365);

    /**
     * A duration as a person writes it in a setting or an option: a whole number followed by
     * {@code s}, {@code m} or {@code h}, or a bare whole number of minutes; {@code 0} is zero; at
     * most {@link #MAX}.
     *
     * @throws IllegalArgumentException whose message is what is wrong with the text, without the text
     *         itself (the caller names the setting and shows the value as it shows values)
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        String number = Character.isLetter(unit) ? t.substring(0, t.length() - 1) : t;
        if (!number.matches("[0-9]+")) {
            throw new IllegalArgumentException("is not 0 or a whole number with s, m or h (e.g. 90s, 30m, 2h)");
        }
        if (Character.isLetter(unit) && unit != 's' && unit != 'm' && unit != 'h') {
            throw new IllegalArgumentException("must end in s, m or h (e.g. 90s, 30m, 2h)");
        }
        long seconds = switch (Character.isLetter(unit) ? unit : 'm') {
            case 's' -> 1;
            case 'm' -> 60;
            default -> 3600;
        };
        // Compared before any multiplication: a number of 30 digits must not overflow on its way to the check.
        String digits = number.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 12 || Long.parseLong(digits) > MAX.toSeconds() / seconds) {
            throw new IllegalArgumentException("is longer than 365 days, the most fleet takes");
        }
        return Duration.ofSeconds(Long.parseLong(digits) * seconds);
    }
}
