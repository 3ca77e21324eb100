package dev.fleet.tools;

import dev.fleet.budget.BudgetCheck;
import dev.fleet.guard.GuardScripts;
import dev.fleet.guard.GuardState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How member_detail shows a cloud member's on-instance guard and its budget. */
final class GuardText {
    private GuardText() {
    }

    /** Lines in the style of {@link MemberView#block}. */
    static String block(GuardState g) {
        if (!g.installed()) {
            return "  guard:     " + (g.note() == null ? "not installed" : g.note()) + "\n";
        }
        StringBuilder b = new StringBuilder("  guard:     installed, version ").append(g.version());
        if (g.outdated()) {
            b.append(" (older than this fleet's ").append(GuardScripts.VERSION).append(')');
        }
        b.append(", run by ").append(GuardState.schedulerText(g.scheduler())).append('\n');
        b.append("             powers off after ").append(g.timeoutMin() == null ? "?" : g.timeoutMin()).append(" + ")
                .append(g.graceMin() == null ? "?" : g.graceMin()).append(" idle min via ")
                .append(GuardState.powerOffText(g.powerOff())).append('\n');
        b.append("             last decision: ").append(g.lastDecision() == null ? "none yet" : g.lastDecision()).append('\n');
        return b.toString();
    }

    static Map<String, Object> structured(GuardState g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("installed", g.installed());
        m.put("version", g.version());
        m.put("latestVersion", GuardScripts.VERSION);
        m.put("scheduler", g.scheduler());
        m.put("powerOff", g.powerOff());
        m.put("timeoutMin", g.timeoutMin());
        m.put("graceMin", g.graceMin());
        GuardState.Decision d = g.decision().orElse(null);
        m.put("lastDecisionAt", d == null ? null : d.at());
        m.put("lastDecision", d == null ? null : d.action());
        m.put("lastDecisionReason", d == null ? null : d.reason());
        m.put("note", g.note());
        return m;
    }

    /** The line of a member a budget applies to. */
    static String budgetLine(BudgetCheck b) {
        return "  budget:    " + b.summary() + "\n";
    }

    static Map<String, Object> budget(BudgetCheck b) {
        return Map.of("level", b.level().name().toLowerCase(Locale.ROOT), "summary", b.summary());
    }
}
