package dev.fleet.budget;

import dev.fleet.cloud.CloudException;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily budgets of cloud members: each member's own ({@code cloud_budget_usd_per_day}) and the
 * fleet-wide one ({@code FLEET_BUDGET_USD_PER_DAY}), against the spend the ledger estimates for
 * the current UTC day. At 80 % fleet warns; at 100 % it no longer starts the instance by itself
 * and lets it stop after a short idle time.
 */
public final class Budgets {
    public static final double WARN_AT = 0.8;
    private static final Logger log = LoggerFactory.getLogger(Budgets.class);

    private final SpendLedger ledger;
    private final Double fleetUsdPerDay;
    private final int budgetIdleTimeoutMin;
    private final Clock clock;

    /**
     * @param fleetUsdPerDay       fleet-wide daily budget; null: none
     * @param budgetIdleTimeoutMin the idle timeout of a member over budget (when shorter than its own)
     */
    public Budgets(SpendLedger ledger, Double fleetUsdPerDay, int budgetIdleTimeoutMin, Clock clock) {
        this.ledger = ledger;
        this.fleetUsdPerDay = fleetUsdPerDay;
        this.budgetIdleTimeoutMin = budgetIdleTimeoutMin;
        this.clock = clock;
    }

    /** Whether any budget can apply to this member. */
    public boolean applies(Member m) {
        return m.cloud() != null && (m.cloud().budgetUsdPerDay() != null || fleetUsdPerDay != null);
    }

    public BudgetCheck check(Member m) {
        if (!applies(m)) {
            return BudgetCheck.NO_BUDGET;
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        CloudConfig c = m.cloud();
        BudgetCheck own = c.budgetUsdPerDay() == null ? BudgetCheck.NO_BUDGET
                : judge(ledger.spentOn(c.instanceId(), today), c.budgetUsdPerDay(), "the daily budget of " + m.friendlyName());
        BudgetCheck fleet = fleetUsdPerDay == null ? BudgetCheck.NO_BUDGET
                : judge(ledger.totalOn(today), fleetUsdPerDay, "the fleet-wide daily budget");
        return own.level().compareTo(fleet.level()) >= 0 ? own : fleet;
    }

    /** The idle timeout in force: the member's own, or the budget timeout when over budget and shorter. */
    public int idleTimeoutMin(Member m) {
        int own = m.ownIdleTimeoutMin();
        return check(m).over() ? Math.min(own, budgetIdleTimeoutMin) : own;
    }

    /** Why an automatic start is refused; empty when it may go ahead. */
    Optional<String> startRefusal(Member m) {
        BudgetCheck b = check(m);
        if (!b.over()) {
            return Optional.empty();
        }
        return Optional.of(m.friendlyName() + " is " + b.warning().orElse("over budget") + ". Its instance is not started "
                + "automatically; cloud_control action=start override_budget=true starts it anyway");
    }

    /**
     * The start gate of the cloud life cycle: a start fleet would make by itself is refused over
     * budget; one a person asked for explicitly ({@code override_budget=true}) goes ahead, logged.
     */
    public void gateStart(Member m, boolean override) throws CloudException {
        Optional<String> refusal = startRefusal(m);
        if (refusal.isEmpty()) {
            return;
        }
        if (!override) {
            throw new CloudException(refusal.get());
        }
        log.info("{}: started over budget on explicit request", m.friendlyName());
    }

    private BudgetCheck judge(SpendLedger.Spend spent, double budget, String which) {
        double share = spent.usd() / budget;
        BudgetCheck.Level level = share >= 1 ? BudgetCheck.Level.OVER : share >= WARN_AT ? BudgetCheck.Level.WARNING
                : BudgetCheck.Level.UNDER;
        String text = String.format(Locale.ROOT, "about $%.2f of %s ($%.2f) spent today (UTC), %.0f %%, estimated from "
                + "hourly rates and running time", spent.usd(), which, budget, share * 100)
                + (spent.unpriced() ? "; running time of instance types without a known price is not counted" : "");
        Optional<String> warning = switch (level) {
            case WARNING -> Optional.of("budget nearly spent: " + text);
            case OVER -> Optional.of("over budget: " + text + "; fleet does not start the instance by itself and stops it "
                    + "after " + budgetIdleTimeoutMin + " idle minutes (or its own idle timeout, if shorter)");
            default -> Optional.empty();
        };
        return new BudgetCheck(level, text, warning);
    }
}
