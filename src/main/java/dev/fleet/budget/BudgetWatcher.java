package dev.fleet.budget;

import dev.fleet.base.Background;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps budgets current while the server runs: once a cycle, every running cloud member under a
 * budget is looked at (one describe call, which the ledger records), and when its idle timeout in
 * force changes (the budget was crossed, or a new day began) the listener is told, so the guard on
 * the instance gets the new timeout. Members without any budget cost nothing here.
 */
public final class BudgetWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BudgetWatcher.class);

    private final RegistryStore store;
    private final CloudLifecycle lifecycle;
    private final Budgets budgets;
    private final Consumer<Member> timeoutChanged;
    private final Map<String, Integer> timeoutInForce = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;

    public BudgetWatcher(RegistryStore store, CloudLifecycle lifecycle, Budgets budgets, Consumer<Member> timeoutChanged) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.budgets = budgets;
        this.timeoutChanged = timeoutChanged;
    }

    public synchronized void start(Duration interval) {
        if (ticker != null) {
            return;
        }
        ticker = Background.repeat("fleet-budget-watcher", interval, this::cycle,
                e -> log.warn("budget check failed: {}", e.getMessage()));
    }

    /** One pass; returns how many members were told about a new idle timeout. */
    public int cycle() {
        int told = 0;
        for (Member m : store.read().members()) {
            if (!budgets.applies(m)) {
                continue;
            }
            try {
                if (lifecycle.describe(m).state() != InstanceState.RUNNING) {
                    continue;
                }
            } catch (CloudException e) {
                continue; // the next cycle looks again
            }
            int now = budgets.idleTimeoutMin(m);
            Integer before = timeoutInForce.put(m.id(), now);
            if (before == null ? now != m.cloud().idleTimeoutMin() : before != now) {
                budgets.check(m).warning().ifPresent(w -> log.info("{}: {}", m.friendlyName(), w));
                log.info("{}: idle timeout in force is now {} min", m.friendlyName(), now);
                timeoutChanged.accept(m);
                told++;
            }
        }
        return told;
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
