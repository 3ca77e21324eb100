package dev.fleet.cloud;

import dev.fleet.base.Background;
import dev.fleet.base.Durations;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops cloud instances nobody uses, and only those. Each cycle (one a minute by default), every
 * cloud member whose last fleet activity ({@code lastUsed}, persisted, so a restart does not
 * stop anything early) is older than its idle timeout in force (a budget may shorten it) is handed
 * to {@link IdleStop}, which stops its instance only when nothing works there (fleet calls in
 * flight, what the member shows, a call that used it while it was looked at; see there). Busy counts
 * as activity (the idle clock restarts), unknown leaves it running. Members are checked in
 * parallel, a bounded number at a time; a member still being checked or stopped is skipped. Every
 * decision is logged with its reason.
 */
public final class IdleWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdleWatcher.class);

    private final RegistryStore store;
    private final IdleStop stop;
    private final CloudLifecycle lifecycle;
    private final Clock clock;
    private final ToIntFunction<Member> idleTimeoutMin;
    private final ExecutorService checkers;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Members whose checks could not tell, since when and why: unknown never stops, so the user must hear of it. */
    private final Map<String, Doubt> doubts = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;

    private record Doubt(Instant since, String cause) {
    }

    /** What one cycle decided for one member (for logs and tests). */
    public record Decision(String member, IdleAction action, String reason) {
    }

    /** @param idleTimeoutMin the idle timeout in force for a member (its own, or shorter while it is over budget) */
    public IdleWatcher(RegistryStore store, IdleStop stop, CloudLifecycle lifecycle, Clock clock, int parallelChecks,
                       ToIntFunction<Member> idleTimeoutMin) {
        this.store = store;
        this.idleTimeoutMin = idleTimeoutMin;
        this.stop = stop;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.checkers = Executors.newFixedThreadPool(parallelChecks, Background.threads("fleet-idle-check"));
    }

    /** Runs a cycle every {@code interval}, starting one interval from now. */
    public synchronized void start(Duration interval) {
        if (ticker != null) {
            return;
        }
        ticker = Background.repeat("fleet-idle-watcher", interval, this::cycle,
                e -> log.warn("idle check cycle failed: {}", e.getMessage()));
        log.info("idle watcher checks cloud members every {} s", interval.toSeconds());
    }

    /** One pass over every cloud member; returns once every started check has decided. */
    public List<Decision> cycle() {
        List<CompletableFuture<Decision>> checks = new ArrayList<>();
        for (Member m : store.read().members()) {
            if (m.cloud() == null || !idleLongEnough(m)) {
                doubts.remove(m.id()); // used since: no longer in doubt
                continue;
            }
            if (!inFlight.add(m.id())) {
                continue;
            }
            checks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return decide(m);
                } finally {
                    inFlight.remove(m.id());
                }
            }, checkers));
        }
        List<Decision> decisions = new ArrayList<>();
        for (CompletableFuture<Decision> c : checks) {
            Decision d = c.join();
            decisions.add(d);
            log.info("idle check {}: {} ({})", d.member(), d.action().label(), d.reason());
        }
        return decisions;
    }

    private boolean idleLongEnough(Member m) {
        Instant now = clock.instant();
        Instant last = m.lastUsed() != null ? m.lastUsed() : m.createdAt();
        // A member with no date at all (written by hand, or by an older tool) is checked: the checks
        // themselves decide, and the instance's start still counts as use. Never checking it left
        // an idle instance running (and billing) for good. So is one whose date lies ahead of the
        // clock (written while a clock was wrong): waiting for it could take hours or years.
        return last == null || ActivityRecorder.aheadOf(last, now)
                || last.plus(Duration.ofMinutes(idleTimeoutMin.applyAsInt(m))).isBefore(now);
    }

    /**
     * Why this server's idle checks could not tell whether the member's instance is idle, when
     * they have not for longer than its idle timeout (a broken nvidia-smi after a driver update, an
     * activity command that always fails, SSH refused): the instance runs, and bills, until a
     * check succeeds. Empty otherwise.
     */
    public Optional<String> inDoubt(Member m) {
        Doubt d = doubts.get(m.id());
        if (d == null) {
            return Optional.empty();
        }
        Duration doubtful = Duration.between(d.since(), clock.instant());
        if (doubtful.compareTo(Duration.ofMinutes(idleTimeoutMin.applyAsInt(m))) < 0) {
            return Optional.empty();
        }
        return Optional.of("idle checks have not been able to tell whether this instance is idle for "
                + Durations.human(doubtful) + " (" + d.cause() + "); it keeps running, and costing, until one can: "
                + "if nothing runs there, cloud_control stop stops it");
    }

    private Decision decide(Member m) {
        String name = m.friendlyName();
        IdleStop.Outcome outcome = stop.stopIdle(m, Duration.ofMinutes(idleTimeoutMin.applyAsInt(m)), this::idleLongEnough);
        if (outcome instanceof IdleStop.Unsure u) {
            doubts.merge(m.id(), new Doubt(clock.instant(), u.cause()), (was, now) -> new Doubt(was.since(), now.cause()));
        } else {
            doubts.remove(m.id());
        }
        if (outcome instanceof IdleStop.Stopped stopped) {
            return new Decision(name, IdleAction.STOP, "idle for more than " + idleTimeoutMin.applyAsInt(m)
                    + " min; " + (stopped.aside().isEmpty() ? "" : stopped.aside() + "; ") + "instance now " + stopped.now().label());
        }
        if (outcome instanceof IdleStop.Working w) {
            return new Decision(name, IdleAction.KEEP, "busy: " + w.reason());
        }
        if (outcome instanceof IdleStop.RecentlyStarted r) {
            return new Decision(name, IdleAction.KEEP, "instance started at " + r.launchTime() + ", less than its idle timeout of "
                    + idleTimeoutMin.applyAsInt(m) + " min ago (a start counts as use)");
        }
        if (outcome instanceof IdleStop.ChangedMeanwhile) {
            return new Decision(name, IdleAction.KEEP, "the member was changed while it was checked; checked again next cycle");
        }
        if (outcome instanceof IdleStop.Unsure u) {
            return new Decision(name, IdleAction.KEEP, "unknown: " + u.cause());
        }
        if (outcome instanceof IdleStop.NotRunning n) {
            return new Decision(name, IdleAction.SKIP, "instance is " + n.state().label());
        }
        if (outcome instanceof IdleStop.NoLongerCloud) {
            return new Decision(name, IdleAction.SKIP, "no longer a cloud member");
        }
        if (outcome instanceof IdleStop.UsedMeanwhile) {
            return new Decision(name, IdleAction.KEEP, "used while it was checked");
        }
        return new Decision(name, IdleAction.KEEP, "stop failed: " + ((IdleStop.StopFailed) outcome).cause());
    }

    /**
     * A cloud member whose instance may still run (running, starting, stopping, or its state
     * unreadable), with what is known of it: this watcher is what will stop it, so a server that
     * could exit on its own stays up while there is one. Empty when every instance is stopped.
     */
    public Optional<String> instanceStillToStop() {
        for (Member m : store.read().members()) {
            if (m.cloud() == null) {
                continue;
            }
            InstanceState state;
            try {
                state = lifecycle.describe(m).state();
            } catch (CloudException e) {
                return Optional.of("cannot read the state of cloud member " + m.friendlyName() + ": " + e.getMessage());
            }
            if (state != InstanceState.STOPPED && state != InstanceState.TERMINATED) {
                return Optional.of("cloud member " + m.friendlyName() + " is " + state.label());
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        checkers.shutdownNow();
    }
}
