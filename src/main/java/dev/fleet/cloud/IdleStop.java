package dev.fleet.cloud;

import dev.fleet.base.RequestRefused;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.member.WorkLedger;
import dev.fleet.probe.Activity;
import dev.fleet.probe.ActivityProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet's own decision to stop an instance, taken in this one place: by the idle watcher for a
 * member idle past its timeout, and by {@code monitor_task auto_stop} once the member's task has
 * finished. Either way the instance is stopped only when nothing works there, looked at in this
 * order: fleet calls in flight in this server; the instance running at all, and (for the idle
 * watcher) started longer than the idle timeout ago; fleet calls in flight through another member
 * at the instance's address (the machine under a second name); what the member shows
 * ({@link ActivityProbe}: GPU work, its activity command, fleet commands, live fleet tasks, agents
 * in its work folder); and, since that look takes a few seconds, whether a call used the member
 * (or a second name of its machine) meanwhile, in any fleet server, and whether the member still
 * points at what was looked at (an {@code update_member} meanwhile). That last look is made under
 * the registry's lock as the stop is claimed there ({@link CloudLifecycle#claimStop}): a call on
 * the machine writes its use under the same lock before it works there ({@link CloudGate}), so it
 * either is seen by the last look or begins after the claim, and then waits for the stop request
 * and starts the instance again. The stop itself is refused when a call of this server began after
 * all that. Work found counts as use: the member's idle clock starts again.
 */
public final class IdleStop {
    private static final Logger log = LoggerFactory.getLogger(IdleStop.class);

    /** What the decision came to. Only {@link Stopped} means a stop was requested. */
    public sealed interface Outcome permits Stopped, Working, RecentlyStarted, Unsure, NotRunning, NoLongerCloud, UsedMeanwhile,
            ChangedMeanwhile, StopFailed {
    }

    /**
     * Nothing worked there: the stop was requested; {@code now} is the state the provider
     * reported, {@code aside} what the look saw that was no work ({@link Activity.Idle#aside()}).
     */
    public record Stopped(InstanceState now, String aside) implements Outcome {
    }

    /** Work was found; {@code reason} says which. */
    public record Working(String reason) implements Outcome {
    }

    /**
     * The instance was started less than the idle timeout ago, by fleet or anyone else (the
     * console, a script): its start counts as use.
     */
    public record RecentlyStarted(Instant launchTime) implements Outcome {
    }

    /** A look could not be completed; an instance in doubt keeps running. */
    public record Unsure(String cause) implements Outcome {
    }

    /** The instance is not running (stopped, stopping, gone): nothing to stop. */
    public record NotRunning(InstanceState state) implements Outcome {
    }

    /** The member was removed, or lost its cloud block, while it was looked at. */
    public record NoLongerCloud() implements Outcome {
    }

    /** A fleet call used the member while it was looked at. */
    public record UsedMeanwhile() implements Outcome {
    }

    /**
     * The member was pointed at another instance, address or work folder (or given another
     * activity command) while it was looked at: what would be stopped is not what was looked at.
     */
    public record ChangedMeanwhile() implements Outcome {
    }

    /** The provider refused or failed the stop. */
    public record StopFailed(String cause) implements Outcome {
    }

    private final WorkLedger work;
    private final ActivityProbe probe;
    private final ActivityRecorder activity;
    private final RegistryStore store;
    private final CloudLifecycle lifecycle;
    private final Clock clock;

    public IdleStop(WorkLedger work, ActivityProbe probe, ActivityRecorder activity, RegistryStore store, CloudLifecycle lifecycle,
                    Clock clock) {
        this.work = work;
        this.probe = probe;
        this.activity = activity;
        this.store = store;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /**
     * The idle watcher's stop. {@code stillIdle} is asked of the member as the registry has it
     * after the look: whether it is still idle past its timeout.
     */
    public Outcome stopIdle(Member m, Duration idleTimeout, Predicate<Member> stillIdle) {
        return stopUnlessWorking(m, null, idleTimeout, stillIdle);
    }

    /**
     * auto_stop's: the task {@code finishedTask} has finished (its wrapper may still be exiting,
     * so it does not count as work); any use of the member from now on keeps the instance.
     */
    public Outcome stopAfterTask(Member m, String finishedTask) {
        Instant asked = clock.instant();
        // The task that just finished may have been the first work after a start: no wait for the idle timeout.
        return stopUnlessWorking(m, finishedTask, null, now -> now.lastUsed() == null || !now.lastUsed().isAfter(asked));
    }

    /** {@code idleTimeout}: a start less than this long ago counts as use (null: it does not). */
    private Outcome stopUnlessWorking(Member m, String finishedTask, Duration idleTimeout, Predicate<Member> unused) {
        Instant lookStarted = clock.instant();
        Optional<String> calls = work.describe(m.id());
        if (calls.isPresent()) {
            return working(m, "fleet work in flight (" + calls.get() + ")");
        }
        InstanceDetails details;
        try {
            details = lifecycle.describe(m);
        } catch (CloudException e) {
            return new Unsure(e.getMessage());
        }
        if (details.state() != InstanceState.RUNNING) {
            return new NotRunning(details.state());
        }
        Instant launched = details.launchTime();
        if (idleTimeout != null && launched != null && launched.plus(idleTimeout).isAfter(clock.instant())) {
            // Started by someone, maybe outside fleet, and not yet idle for a whole timeout since.
            activity.touch(m.id(), launched);
            return new RecentlyStarted(launched);
        }
        // Started again outside fleet, the instance may have a new address: look there, not at the old one.
        m = lifecycle.withCurrentAddress(m, details);
        List<Member> otherNames = otherNamesOf(m);
        Optional<String> otherName = workInFlightThrough(otherNames);
        if (otherName.isPresent()) {
            return working(m, otherName.get());
        }
        Activity seen = probe.check(m, finishedTask, otherNames);
        if (seen instanceof Activity.Busy busy) {
            return working(m, busy.reason());
        }
        if (seen instanceof Activity.Unknown unknown) {
            return new Unsure(unknown.cause());
        }
        // The look took a while: what was recorded meanwhile, by this server or another, decides,
        // read under the registry's lock as the stop is claimed: a call that begins from now on, in
        // any fleet server, waits for the stop request (CloudGate), and one that began before has
        // written its use by then.
        activity.flush();
        Member looked = m;
        Instant claim = clock.instant();
        Outcome against;
        try {
            against = lifecycle.claimStop(m.id(), claim, registry -> lastLook(registry, looked, otherNames, unused, lookStarted));
        } catch (RegistryStore.RegistryException | RequestRefused e) {
            return new Unsure("could not claim the stop in the registry (" + e.getMessage() + ")");
        }
        if (against != null) {
            return against;
        }
        try {
            return new Stopped(lifecycle.stopClaimed(m, false).state(), ((Activity.Idle) seen).aside());
        } catch (CloudLifecycle.WorkInFlightException e) {
            return working(m, e.getMessage());
        } catch (CloudException e) {
            return new StopFailed(e.getMessage());
        } finally {
            lifecycle.releaseStop(m.id(), claim);
        }
    }

    /**
     * What speaks against the stop in the registry as it stands after the look; null: nothing.
     * The member removed or no longer a cloud member, used meanwhile (by {@code unused}; through a
     * second name: since the look began), or pointed at something else than what was looked at.
     */
    private static Outcome lastLook(Registry registry, Member looked, List<Member> otherNames, Predicate<Member> unused,
                                    Instant lookStarted) {
        Member now = registry.byId(looked.id()).orElse(null);
        if (now == null || now.cloud() == null) {
            return new NoLongerCloud();
        }
        if (!unused.test(now)) {
            return new UsedMeanwhile();
        }
        boolean usedThroughAnotherName = otherNames.stream().map(o -> registry.byId(o.id()).map(Member::lastUsed).orElse(null))
                .anyMatch(at -> at != null && at.isAfter(lookStarted));
        if (usedThroughAnotherName) {
            return new UsedMeanwhile();
        }
        return sameTarget(looked, now) ? null : new ChangedMeanwhile();
    }

    /**
     * The fleet work a stop a person asked for ({@code cloud_control stop} without {@code force})
     * would cut off, whichever fleet server does it and under whichever name of the machine: calls
     * in flight in this server through another member at the instance's address, then, on the
     * instance, live fleet tasks and fleet commands of the member and of those names. The calls in
     * flight in this server on the member itself come first, named; the stop checks them once more
     * as it is made ({@link CloudLifecycle#stop}).
     * Empty when none is found, when the instance is not running, and when the look cannot be
     * completed (a hung machine is what a person most often stops by hand): that stop goes ahead,
     * and the cause is logged.
     */
    public Optional<String> fleetWorkBeforeStopByHand(Member m) {
        Optional<String> calls = work.describe(m.id());
        if (calls.isPresent()) {
            return Optional.of("fleet has work in flight there (" + calls.get() + ")");
        }
        InstanceDetails details;
        try {
            details = lifecycle.describe(m);
        } catch (CloudException e) {
            return Optional.empty(); // the stop itself asks the provider again and says what failed
        }
        if (details.state() != InstanceState.RUNNING) {
            return Optional.empty();
        }
        m = lifecycle.withCurrentAddress(m, details);
        List<Member> otherNames = otherNamesOf(m);
        Optional<String> through = workInFlightThrough(otherNames);
        if (through.isPresent()) {
            return through;
        }
        Activity seen = probe.fleetWork(m, otherNames);
        if (seen instanceof Activity.Unknown unknown) {
            log.warn("{}: could not look for fleet work before the stop ({}); stopping as asked", m.friendlyName(),
                    unknown.cause());
        }
        return seen instanceof Activity.Busy busy ? Optional.of(busy.reason()) : Optional.empty();
    }

    /** The plain remote members at the instance's address and port: the machine registered again. */
    private List<Member> otherNamesOf(Member cloudMember) {
        return SameMachine.secondNamesOf(store.read(), cloudMember);
    }

    /**
     * Fleet calls in flight in this server through another name of the machine. The look at the
     * machine ({@link ActivityProbe}) finds those names' commands too, whichever server runs them;
     * this finds what has no process yet, or runs none (a transfer starting, a connection opening).
     */
    private Optional<String> workInFlightThrough(List<Member> otherNames) {
        for (Member other : otherNames) {
            Optional<String> calls = work.describe(other.id());
            if (calls.isPresent()) {
                return Optional.of("fleet work in flight through " + other.friendlyName() + ", another member on this machine ("
                        + calls.get() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code now} is still what was looked at: the same instance, address, folder and
     * activity command. Compared by value: {@code now} is read again after the look, and a registry
     * read anew from its file (another write meanwhile, this server's own activity flush among them)
     * holds equal values in other objects.
     */
    static boolean sameTarget(Member looked, Member now) {
        CloudConfig a = looked.cloud();
        CloudConfig b = now.cloud();
        return Objects.equals(a.provider(), b.provider()) && Objects.equals(a.instanceId(), b.instanceId())
                && Objects.equals(a.region(), b.region()) && Objects.equals(a.profile(), b.profile())
                && Objects.equals(a.activityCommand(), b.activityCommand()) && a.gpuBusyMinUtil() == b.gpuBusyMinUtil()
                && Objects.equals(looked.host(), now.host()) && SameMachine.sshPort(looked) == SameMachine.sshPort(now)
                && Objects.equals(looked.username(), now.username()) && Objects.equals(looked.workFolder(), now.workFolder());
    }

    private Working working(Member m, String reason) {
        activity.touch(m.id());
        return new Working(reason);
    }
}
