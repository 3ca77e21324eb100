package dev.fleet.agentcli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** When a usage limit lifts, as the CLIs word it in their limit messages. */
final class ResetTime {
    /** Claude Code's older limit message carries the reset time as epoch seconds: {@code …limit reached|1767225600}. */
    private static final Pattern EPOCH = Pattern.compile("limit reached\\|(\\d{10})");
    /** "resets 3pm (Europe/Dublin)", "resets at 15:00 UTC" (Claude plan limits). */
    private static final Pattern RESETS = Pattern.compile("(?i)\\bresets?\\s+(?:at\\s+)?([^.\\n\"·|]{1,60})");
    /** "try again at 3:28 PM", "try again in 4 hours" (Codex, Copilot). */
    private static final Pattern TRY_AGAIN = Pattern.compile("(?i)\\btry again (at|in)\\s+([^\\n\"]{1,60}?)(?:\\.(?:\\s|$)|\"|$)");

    private ResetTime() {
    }

    static Optional<String> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher epoch = EPOCH.matcher(text);
        if (epoch.find()) {
            return Optional.of(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochSecond(Long.parseLong(epoch.group(1)))));
        }
        Matcher resets = RESETS.matcher(text);
        if (resets.find()) {
            return Optional.of(resets.group(1).strip());
        }
        Matcher again = TRY_AGAIN.matcher(text);
        if (again.find()) {
            return Optional.of((again.group(1).equalsIgnoreCase("in") ? "in " : "") + again.group(2).strip());
        }
        return Optional.empty();
    }
}
