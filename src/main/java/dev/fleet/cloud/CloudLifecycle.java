package dev.fleet.cloud;

import dev.fleet.base.Durations;
import dev.fleet.base.Progress;
import dev.fleet.base.RequestRefused;
import dev.fleet.base.Sleeper;
import dev.fleet.exec.Channels;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.member.WorkLedger;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a cloud member's instance, start to stop; the only place that starts or stops one.
 *
 * <p>"Ensure ready": before fleet touches a cloud member, its instance must be running and its
 * address current. A stopped instance is started, a stopping one is waited out and started, a
 * pending one is waited for; terminated ones are refused, and so is a start the {@link StartGate}
 * refuses (over budget). After a start the new public IP is saved, the SSH port is awaited, and
 * {@link AfterStart} puts back what the start may have lost (best effort). Calls racing on one
 * member start it once. A member confirmed running in the last 30 seconds costs no AWS call.
 *
 * <p>{@link #stop}: every stop (by hand, after a finished task, when idle) goes through one path,
 * which first asks the {@link WorkLedger} of fleet's calls in flight, then stops the instance, forgets that it was confirmed
 * running and ends its pooled connection.
 */
public final class CloudLifecycle {
    private static final Logger log = LoggerFactory.getLogger(CloudLifecycle.class);
    /**
     * How long a claimed stop holds calls back at most: the stop request's own limit (30 s) and
     * the wait for this server's calls to let it in, with room. A claim older than this was left
     * by a server that ended in the middle of a stop.
     */
    static final Duration CLAIM_LAPSES = Duration.ofSeconds(60);
    private static final Duration CLAIM_POLL = Duration.ofMillis(100);
    private static final int CLAIM_POLLS = (int) (CLAIM_LAPSES.toMillis() / CLAIM_POLL.toMillis());

    /**
     * Put back what a fresh start may have lost (the work folder, the agent login, the on-instance
     * guard, interrupted tasks); errors are logged, never thrown.
     */
    public interface AfterStart {
        AfterStart NONE = member -> { };

        void reprovision(Member member) throws Exception;
    }

    /**
     * What a stop did: the state right after the request, and the work it cut off (only ever
     * present for a forced stop; null when nothing was in flight).
     */
    public record Stopped(InstanceState state, String cutOff) {
    }

    /**
     * May refuse a start fleet would make by itself (a member over its daily budget); a start a
     * person asked for explicitly ({@code cloud_control action=start override_budget=true}) passes.
     * Consulted only when the instance is stopped or stopping, i.e. when a start would cost money.
     */
    public interface StartGate {
        StartGate OPEN = (member, override) -> { };

        void check(Member member, boolean override) throws CloudException;
    }

    /** Timing of the waits; tests shorten them. */
    public record Timing(Duration confirmedFor, Duration stateWait, Duration sshWait, Duration firstPoll, Duration maxPoll) {
        private static final Duration CONFIRMED_FOR = Duration.ofSeconds(30);
        private static final Duration LONGEST_POLL = Duration.ofSeconds(10);

        /** Pauses start at {@code firstPoll} and grow to ten times that, at most 10 s (never below the first). */
        public static Timing of(Duration stateWait, Duration sshWait, Duration firstPoll) {
            long poll = firstPoll.toMillis();
            return new Timing(CONFIRMED_FOR, stateWait, sshWait, firstPoll,
                    Duration.ofMillis(Math.max(poll, Math.min(LONGEST_POLL.toMillis(), poll * 10))));
        }
    }

    private final CloudProviders providers;
    private final RegistryStore store;
    private final Clock clock;
    private final Timing timing;
    private final Sleeper sleeper;
    private final AfterStart afterStart;
    private final Channels channels;
    private final WorkLedger work;
    private final StartGate startGate;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Confirmed> confirmed = new ConcurrentHashMap<>();

    public CloudLifecycle(CloudProviders providers, RegistryStore store, Clock clock, Timing timing, Sleeper sleeper,
                          AfterStart afterStart, Channels channels, WorkLedger work, StartGate startGate) {
        this.providers = providers;
        this.store = store;
        this.clock = clock;
        this.timing = timing;
        this.sleeper = sleeper;
        this.afterStart = afterStart;
        this.channels = channels;
        this.work = work;
        this.startGate = startGate;
    }

    private record Confirmed(String ip, Instant at) {
    }

    /** The member with a running instance and its current address; non-cloud members pass through. */
    public Member ensureReady(Member member, Progress progress) throws CloudException {
        return ensureReady(member, progress, false);
    }

    /** {@code overrideGate}: a person asked for this start explicitly, so the {@link StartGate} lets it pass. */
    public Member ensureReady(Member member, Progress progress, boolean overrideGate) throws CloudException {
        if (member.cloud() == null) {
            return member;
        }
        Confirmed c = confirmed.get(member.id());
        if (c != null && c.ip().equals(member.host()) && c.at().plus(timing.confirmedFor()).isAfter(clock.instant())) {
            return member;
        }
        ReentrantLock lock = locks.computeIfAbsent(member.id(), k -> new ReentrantLock());
        lock.lock();
        try {
            // Whoever held the lock may have just started it: look again before asking AWS.
            Member current = store.read().byId(member.id()).orElse(member);
            c = confirmed.get(member.id());
            if (c != null && c.ip().equals(current.host()) && c.at().plus(timing.confirmedFor()).isAfter(clock.instant())) {
                return current;
            }
            return bringUp(current, progress, overrideGate);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets that a member was confirmed running (an SSH failure makes fleet look again). */
    public void forget(Member member) {
        confirmed.remove(member.id());
    }

    /** What the provider says about the member's instance right now (one provider call, no cache). */
    public InstanceDetails describe(Member member) throws CloudException {
        return providers.forConfig(member.cloud()).describe(member.cloud());
    }

    /**
     * The member at the public address {@code d} reports, saved when it changed (a start, by
     * fleet or outside it, gives most instances a new one). Unchanged without an address.
     */
    public Member withCurrentAddress(Member m, InstanceDetails d) {
        String ip = d.publicIp();
        if (ip == null || ip.isBlank() || ip.equals(m.host())) {
            return m;
        }
        log.info("{}: instance address is now {}", m.friendlyName(), ip);
        // Only while the member still names this instance at the old address: an update_member
        // meanwhile (another instance) must not get this one's address.
        store.update(r -> r.replacing(m.id(), old -> old.cloud() != null
                && Objects.equals(old.cloud().instanceId(), m.cloud().instanceId()) && Objects.equals(old.host(), m.host())
                ? old.toBuilder().host(ip).build() : old));
        return m.toBuilder().host(ip).build();
    }

    /**
     * Stops the member's instance: the one stop path. Refused while fleet has work in flight on
     * it, unless {@code force} (the user's explicit word: that work is cut off and the result says
     * which). Otherwise the stop is requested, the member is no longer taken for running and its
     * pooled connection is ended (the instance is going away). No new fleet work begins on the
     * member between the check and the request, in this server or another ({@link #claimStop}).
     */
    public Stopped stop(Member member, boolean force) throws CloudException {
        Instant claim = clock.instant();
        try {
            claimStop(member.id(), claim, registry -> null);
        } catch (RegistryStore.RegistryException | RequestRefused e) {
            // The person's stop goes ahead; only another server's call beginning right now is not held back.
            log.warn("{}: could not claim the stop in the registry ({}); stopping as asked", member.friendlyName(), e.getMessage());
        }
        try {
            return stopClaimed(member, force);
        } finally {
            releaseStop(member.id(), claim);
        }
    }

    /**
     * Claims a stop of the member's instance in the registry, under its lock, unless
     * {@code objection} finds a reason against it in the registry as stored right now: then
     * nothing is written and that reason is returned. Once claimed (null is
     * returned), a call that begins on the machine in any fleet server waits until the claim is
     * released ({@link #awaitClaimedStops}), then finds the instance stopping and starts it again,
     * rather than run on a machine that is going away. And a call that began before the claim
     * has recorded its use by then, under the same lock, for {@code objection} to see. The claimer
     * must {@link #stopClaimed stop} and then {@link #releaseStop release}.
     */
    public <R> R claimStop(String memberId, Instant claim, Function<Registry, R> objection) {
        return store.update(objection, (r, against) -> against != null ? r
                : r.replacing(memberId, m -> m.toBuilder().stopRequestedAt(claim).build()));
    }

    /** Ends the claim {@code claim} (a later claim is left alone); a failure is logged, and the claim then lapses. */
    public void releaseStop(String memberId, Instant claim) {
        try {
            store.update(r -> r.byId(memberId).filter(m -> claim.equals(m.stopRequestedAt())).isPresent()
                    ? r.replacing(memberId, m -> m.toBuilder().stopRequestedAt(null).build()) : r);
        } catch (RuntimeException e) {
            log.warn("{}: could not release the stop claim ({}); it lapses after {} s", memberId, e.getMessage(),
                    CLAIM_LAPSES.toSeconds());
        }
    }

    /**
     * The cloud members whose instance {@code m} works on (itself, or the instance it is a second
     * name of) with a stop claimed in {@code registry} and not lapsed.
     */
    public Set<String> claimedStops(Registry registry, Member m) {
        Instant now = clock.instant();
        Set<String> claimed = new HashSet<>();
        for (Member c : SameMachine.cloudMembersOf(registry, m)) {
            // Read as stored now: the member handed in may be older than the registry.
            registry.byId(c.id()).map(Member::stopRequestedAt).filter(at -> at.plus(CLAIM_LAPSES).isAfter(now))
                    .ifPresent(at -> claimed.add(c.id()));
        }
        return claimed;
    }

    /**
     * Waits until the stops claimed for {@code memberIds} are released or lapse (bounded in polls),
     * then forgets that those instances were running: the call that waited finds them stopping,
     * and starts them again.
     */
    public void awaitClaimedStops(Member m, Set<String> memberIds) throws InterruptedException {
        for (int i = 0; i < CLAIM_POLLS && claimedStops(store.read(), m).stream().anyMatch(memberIds::contains); i++) {
            sleeper.sleep(CLAIM_POLL);
        }
        memberIds.forEach(confirmed::remove);
    }

    /** {@link #stop}, for a caller holding a claim. */
    public Stopped stopClaimed(Member member, boolean force) throws CloudException {
        CloudConfig cloud = member.cloud();
        // No new fleet work begins on the member between this check and the stop request.
        return work.exclusive(member.id(), () -> {
            Optional<String> busy = work.describe(member.id());
            if (busy.isPresent() && !force) {
                throw new WorkInFlightException("instance " + cloud.instanceId() + " of " + member.friendlyName()
                        + " was not stopped: fleet has work in flight there (" + busy.get() + ")");
            }
            InstanceState now = providers.forConfig(cloud).stop(cloud);
            confirmed.remove(member.id());
            channels.release(member);
            if (busy.isPresent()) {
                log.warn("{}: stop of instance {} forced while fleet work was in flight ({}); now {}",
                        member.friendlyName(), cloud.instanceId(), busy.get(), now.label());
            } else {
                log.info("{}: stop requested for instance {} (now {})", member.friendlyName(), cloud.instanceId(), now.label());
            }
            return new Stopped(now, busy.orElse(null));
        });
    }

    /** A stop refused because fleet work is in flight on the member. */
    public static final class WorkInFlightException extends CloudException {
        public WorkInFlightException(String message) {
            super(message);
        }
    }

    private Member bringUp(Member m, Progress progress, boolean overrideGate) throws CloudException {
        CloudConfig cloud = m.cloud();
        CloudProvider provider = providers.forConfig(cloud);
        InstanceDetails d = provider.describe(cloud);
        boolean started = false;
        switch (d.state()) {
            case RUNNING -> { }
            case PENDING -> {
                progress.message("instance " + cloud.instanceId() + " is starting; waiting for it to run");
                d = waitFor(provider, cloud, InstanceState.RUNNING, progress);
                started = true;
            }
            case STOPPING -> {
                startGate.check(m, overrideGate);
                progress.message("instance " + cloud.instanceId() + " is stopping; waiting to start it again");
                waitFor(provider, cloud, InstanceState.STOPPED, progress);
                d = start(provider, cloud, progress);
                started = true;
            }
            case STOPPED -> {
                startGate.check(m, overrideGate);
                d = start(provider, cloud, progress);
                started = true;
            }
            case SHUTTING_DOWN, TERMINATED -> throw new CloudException("instance " + cloud.instanceId() + " of member "
                    + m.friendlyName() + " is " + d.state().label() + " and cannot be started; remove the member or "
                    + "point it at another instance with update_member cloud_instance_id");
            default -> throw new CloudException("instance " + cloud.instanceId() + " is in an unknown state");
        }
        if (d.publicIp() == null || d.publicIp().isBlank()) {
            throw new CloudException("instance " + cloud.instanceId() + " is running but has no public IP address; "
                    + "fleet reaches members over SSH on their public address");
        }
        Member ready = withCurrentAddress(m, d);
        if (started) {
            awaitSsh(ready, progress);
            try {
                afterStart.reprovision(ready);
            } catch (Exception e) {
                log.warn("{}: could not put the agent login back after the start ({})", m.friendlyName(),
                        e.getClass().getSimpleName());
            }
        }
        confirmed.put(m.id(), new Confirmed(ready.host(), clock.instant()));
        return ready;
    }

    private InstanceDetails start(CloudProvider provider, CloudConfig cloud, Progress progress) throws CloudException {
        progress.message("starting instance " + cloud.instanceId());
        log.info("starting instance {}", cloud.instanceId());
        provider.start(cloud);
        return waitFor(provider, cloud, InstanceState.RUNNING, progress);
    }

    /** Polls with growing pauses until the state is reached; bounded, and says what it waited for. */
    private InstanceDetails waitFor(CloudProvider provider, CloudConfig cloud, InstanceState target, Progress progress)
            throws CloudException {
        Instant deadline = clock.instant().plus(timing.stateWait());
        Duration pause = timing.firstPoll();
        InstanceDetails d = provider.describe(cloud);
        while (d.state() != target) {
            if (d.state().isGone()) {
                throw new CloudException("instance " + cloud.instanceId() + " became " + d.state().label()
                        + " while fleet waited for it to be " + target.label());
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new CloudException("instance " + cloud.instanceId() + " was still " + d.state().label() + " after "
                        + Durations.human(timing.stateWait()) + " of waiting for it to be " + target.label());
            }
            progress.message("instance " + cloud.instanceId() + " is " + d.state().label() + "; waiting for " + target.label());
            sleep(pause);
            pause = min(pause.multipliedBy(2), timing.maxPoll());
            d = provider.describe(cloud);
        }
        return d;
    }

    /** Waits until the SSH port accepts connections, with back-off; bounded. */
    private void awaitSsh(Member m, Progress progress) throws CloudException {
        int port = m.port() == null ? 22 : m.port();
        Instant deadline = clock.instant().plus(timing.sshWait());
        Duration pause = timing.firstPoll();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(m.host(), port), 3000);
                return;
            } catch (IOException e) {
                if (!clock.instant().isBefore(deadline)) {
                    throw new CloudException("instance of " + m.friendlyName() + " is running at " + m.host()
                            + " but its SSH port " + port + " did not answer within " + Durations.human(timing.sshWait()));
                }
            }
            progress.message("waiting for SSH on " + m.host() + ":" + port);
            sleep(pause);
            pause = min(pause.multipliedBy(2), timing.maxPoll());
        }
    }

    private void sleep(Duration d) throws CloudException {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("interrupted while waiting for the instance");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
