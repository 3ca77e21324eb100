package dev.fleet;

import dev.fleet.budget.BudgetWatcher;
import dev.fleet.budget.Budgets;
import dev.fleet.budget.SpendLedger;
import dev.fleet.cloud.ActivityProbe;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.exec.Channels;
import dev.fleet.gpu.GpuLook;
import dev.fleet.gpu.GpuVerdict;
import dev.fleet.gpu.GpuWatch;
import dev.fleet.guard.GuardService;
import dev.fleet.guard.GuardSettings;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.tasks.TaskResume;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the cost-safety services (spend ledger and budgets, the GPU utilization policy, the
 * on-instance guard, resume after restart) and the small hooks through which the cloud life cycle,
 * the idle watcher and the status reports use them.
 */
final class CostSafety implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CostSafety.class);
    private static final Duration GPU_TIMEOUT = Duration.ofSeconds(15);

    final SpendLedger ledger;
    final Budgets budgets;
    final GpuWatch gpu;
    final GuardService guard;
    final TaskResume resume;
    final BudgetWatcher budgetWatcher;
    private final Channels channels;

    CostSafety(Map<String, String> env, SpendLedger ledger, Clock clock, Channels channels, CloudProviders providers,
               RegistryStore store) {
        this.channels = channels;
        this.ledger = ledger;
        this.budgets = new Budgets(ledger, money(env.get("FLEET_BUDGET_USD_PER_DAY")),
                (int) Fleet.setting(env, "FLEET_BUDGET_IDLE_TIMEOUT_MIN", 5), clock);
        GuardSettings settings = GuardSettings.fromEnvironment(env);
        this.gpu = new GpuWatch(settings.gpuSamples(), this::idleTimeoutMin);
        this.guard = new GuardService(channels, providers, store, settings, this::idleTimeoutMin);
        this.resume = new TaskResume(channels);
        this.budgetWatcher = new BudgetWatcher(store, providers, budgets, m -> log.info("{}: {}", m.friendlyName(),
                guard.settingsChanged(m).sentence()));
    }

    /** The idle timeout in force: the member's own, shortened while it is over budget. */
    int idleTimeoutMin(Member m) {
        return m.cloud() == null ? CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN : budgets.idleTimeoutMin(m);
    }

    CloudLifecycle.StartGate startGate() {
        return (member, override) -> {
            Optional<String> refusal = budgets.startRefusal(member);
            if (refusal.isPresent() && !override) {
                throw new CloudException(refusal.get());
            }
            if (refusal.isPresent()) {
                log.info("{}: started over budget on explicit request", member.friendlyName());
            }
        };
    }

    /** After fleet started an instance: the usual re-provisioning, then the guard, then interrupted tasks. */
    CloudLifecycle.AfterStart afterStart(CloudLifecycle.AfterStart base) {
        return member -> {
            try {
                base.reprovision(member);
            } finally {
                guard.afterStart(member);
                try {
                    for (TaskResume.Outcome o : resume.afterStart(member)) {
                        log.info("{}: task {} was interrupted by the instance stop{}", member.friendlyName(), o.id(),
                                o.resumed() ? "; relaunched" : "; already relaunched once, left interrupted");
                    }
                } catch (Exception e) {
                    log.warn("{}: could not look for interrupted tasks ({})", member.friendlyName(), e.getMessage());
                }
            }
        };
    }

    ActivityProbe.GpuCheck gpuCheck() {
        return (channel, member, timeout) -> GpuWatch.supports(member)
                ? Optional.of(gpu.activity(channel, member, timeout)) : Optional.empty();
    }

    CloudStatus.Findings findings() {
        return new CloudStatus.Findings() {
            @Override
            public List<String> warnings(Member m) {
                return budgets.check(m).warning().stream().toList();
            }

            @Override
            public Optional<Gpu> gpu(Member m) {
                if (!GpuWatch.supports(m)) {
                    return Optional.empty();
                }
                try {
                    GpuLook look = gpu.look(channels.forMember(m), m, GPU_TIMEOUT);
                    GpuVerdict v = gpu.judge(m, look);
                    return Optional.of(new Gpu(look.reading().orElse(null),
                            v instanceof GpuVerdict.HoldingIdle ? List.of(v.reason()) : List.of()));
                } catch (Exception e) {
                    return Optional.of(new Gpu(null, List.of()));
                }
            }
        };
    }

    void start(Duration interval) {
        budgetWatcher.start(interval);
    }

    @Override
    public void close() {
        budgetWatcher.close();
        ledger.flush();
    }

    private static Double money(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double v = Double.parseDouble(value.strip());
            if (v > 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the warning
        }
        log.warn("ignoring FLEET_BUDGET_USD_PER_DAY: not a positive amount of US dollars");
        return null;
    }
}
