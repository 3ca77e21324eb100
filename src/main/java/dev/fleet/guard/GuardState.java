package dev.fleet.guard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The guard as found on a member, for member_detail.
 *
 * @param version      installed version; null when none is installed
 * @param lastDecision the last line of decisions.log: {@code <UTC time> <action> <reason>}; null before the first run
 * @param note         why the state is unknown or not applicable; null otherwise
 */
public record GuardState(Integer version, String scheduler, String powerOff, Integer timeoutMin, Integer graceMin,
                         String lastDecision, String note) {

    public static GuardState unknown(String why) {
        return new GuardState(null, null, null, null, null, null, why);
    }

    public boolean installed() {
        return version != null;
    }

    /** Older than this fleet's guard (it is replaced when fleet next looks at a running instance). */
    public boolean outdated() {
        return installed() && version < GuardScripts.VERSION;
    }

    /** The last decision split into its time, action and reason; empty before the first run. */
    public Optional<Decision> decision() {
        if (lastDecision == null) {
            return Optional.empty();
        }
        String[] parts = lastDecision.split(" ", 3);
        return Optional.of(new Decision(parts[0], parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null));
    }

    /** One line of decisions.log: {@code <UTC time> <action> <reason>}. */
    public record Decision(String at, String action, String reason) {
    }

    /** What runs the guard, as people read it. */
    public static String schedulerText(String scheduler) {
        if (scheduler == null) {
            return "unknown";
        }
        return switch (scheduler) {
            case "systemd-system" -> "a systemd system timer";
            case "systemd-user" -> "a systemd user timer";
            case "cron" -> "cron";
            case "none" -> "nothing (no systemd and no cron found: it does not run by itself)";
            default -> scheduler;
        };
    }

    /** How the guard powers the machine off, as people read it. */
    public static String powerOffText(String powerOff) {
        if (powerOff == null) {
            return "unknown";
        }
        return switch (powerOff) {
            case "sudo" -> "sudo -n shutdown -h now";
            case "custom" -> "FLEET_GUARD_POWEROFF from guard.env";
            case "none" -> "not possible (no passwordless sudo)";
            default -> powerOff;
        };
    }

    /** Parses the output of {@link GuardScripts#inspect()}. */
    static GuardState parse(String out) {
        if (out.contains("@@guard:absent")) {
            return new GuardState(null, null, null, null, null, null, "not installed");
        }
        Map<String, String> values = new LinkedHashMap<>();
        String last = null;
        boolean inLast = false;
        for (String line : out.split("\n")) {
            if (line.equals("@@guard:last")) {
                inLast = true;
            } else if (inLast) {
                last = line.isBlank() ? last : line.strip();
            } else if (line.contains("=")) {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1).strip());
            }
        }
        Integer version = number(values.get("version"));
        return new GuardState(version == null ? 0 : version, values.get("scheduler"), values.get("poweroff"),
                number(values.get("timeout-min")), number(values.get("grace-min")), last, null);
    }

    private static Integer number(String v) {
        try {
            return v == null || v.isBlank() ? null : Integer.valueOf(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
