package dev.fleet.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * fleet_status's data as a table for a person: one row per member, states coloured on a terminal
 * that supports it. Built from the tool's structured answer, so it shows what MCP clients get.
 */
final class StatusTable {
    private static final List<String> HEADERS = List.of("MEMBER", "TYPE", "STATE", "BUSY", "AGENT", "SESSION", "LAST USED", "CLOUD",
            "NOTE");
    private static final String WARNING = "warning: ";

    private StatusTable() {
    }

    static String render(Map<?, ?> data, Terminal term, Clock clock) {
        Map<?, ?> summary = (Map<?, ?>) data.get("summary");
        List<?> members = (List<?>) data.get("members");
        if (members == null || members.isEmpty()) {
            return "Fleet: no members registered. Add one with register_member (or fleet call register_member '{...}').";
        }
        List<List<String>> rows = new ArrayList<>();
        for (Object o : members) {
            Map<?, ?> m = (Map<?, ?>) o;
            Map<?, ?> cloud = m.get("cloud") instanceof Map<?, ?> c ? c : null;
            boolean offCloud = cloud != null && cloud.get("error") == null && !"running".equals(cloud.get("state"));
            String state = offCloud ? "OFF(cloud)" : Boolean.TRUE.equals(m.get("online")) ? "online" : "OFFLINE";
            String session = m.get("sessionId") == null ? "-" : String.valueOf(m.get("sessionId"));
            String problem = !Boolean.TRUE.equals(m.get("online")) && !offCloud ? text(m.get("problem")) : "";
            rows.add(List.of(text(m.get("name")), text(m.get("type")), state, text(m.get("busy")), text(m.get("llmProvider")),
                    session.length() > 8 ? session.substring(0, 8) : session, ago(m.get("lastUsed"), clock), cloud(cloud),
                    note(problem, cloud)));
        }
        // CLOUD and NOTE only when some member has something to show there.
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < HEADERS.size(); i++) {
            int col = i;
            if (i < 7 || rows.stream().anyMatch(r -> !r.get(col).isEmpty())) {
                shown.add(i);
            }
        }
        int[] widths = new int[HEADERS.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = HEADERS.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        StringBuilder t = new StringBuilder();
        t.append(term.bold("Fleet: " + summary.get("total") + " member" + (Integer.valueOf(1).equals(summary.get("total")) ? "" : "s")
                + ", " + summary.get("online") + " online, " + summary.get("busy") + " busy, " + summary.get("offline") + " offline"))
                .append('\n');
        t.append(line(HEADERS, shown, widths, term, true)).append('\n');
        for (List<String> r : rows) {
            t.append(line(r, shown, widths, term, false)).append('\n');
        }
        return t.toString().stripTrailing();
    }

    private static String line(List<String> cells, List<Integer> shown, int[] widths, Terminal term, boolean header) {
        StringBuilder b = new StringBuilder();
        for (int i : shown) {
            String cell = cells.get(i);
            String padded = i == shown.get(shown.size() - 1) ? cell : cell + " ".repeat(widths[i] - cell.length() + 2);
            b.append(header ? term.dim(padded) : paint(HEADERS.get(i), cell, padded, term));
        }
        return b.toString().stripTrailing();
    }

    /** Colours the cell's text only, so padding stays aligned whatever the terminal does with escapes. */
    private static String paint(String column, String cell, String padded, Terminal term) {
        String pad = padded.substring(cell.length());
        String coloured = switch (column) {
            case "STATE" -> switch (cell) {
                case "online" -> term.green(cell);
                case "OFFLINE" -> term.red(cell);
                default -> term.dim(cell);
            };
            case "BUSY" -> cell.equals("BUSY") ? term.yellow(cell) : cell;
            case "NOTE" -> cell.startsWith(WARNING) ? term.yellow(cell) : term.red(cell);
            default -> cell;
        };
        return coloured + pad;
    }

    /**
     * Why a member is offline; else the cloud warnings a person should not miss in a table (a budget
     * nearly or fully spent, GPU memory held idle, the on-instance guard turned off).
     */
    private static String note(String problem, Map<?, ?> cloud) {
        if (!problem.isEmpty()) {
            return problem;
        }
        if (cloud != null && cloud.get("warnings") instanceof List<?> warnings && !warnings.isEmpty()) {
            return WARNING + warnings.stream().map(String::valueOf).collect(Collectors.joining("; "));
        }
        return "";
    }

    private static String cloud(Map<?, ?> cloud) {
        if (cloud == null) {
            return "";
        }
        if (cloud.get("error") != null) {
            return "error";
        }
        StringBuilder b = new StringBuilder(text(cloud.get("state")));
        if (cloud.get("instanceType") != null) {
            b.append(' ').append(cloud.get("instanceType"));
        }
        if (cloud.get("estimatedCostUsd") instanceof Number cost && "running".equals(cloud.get("state"))) {
            b.append(String.format(" $%.2f", cost.doubleValue()));
        }
        return b.toString();
    }

    private static String ago(Object iso, Clock clock) {
        if (iso == null) {
            return "never";
        }
        Duration d = Duration.between(Instant.parse(iso.toString()), clock.instant());
        if (d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + "m ago";
        }
        return d.toHours() < 48 ? d.toHours() + "h ago" : d.toDays() + "d ago";
    }

    private static String text(Object o) {
        return o == null ? "-" : String.valueOf(o);
    }
}
