package dev.fleet.cloud;

import dev.fleet.base.Progress;
import dev.fleet.base.RequestRefused;
import dev.fleet.exec.UnreachableException;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step every service that touches a member takes first: a cloud member's instance is brought
 * up (with progress) and its current address used. If the member then cannot be reached although
 * its state came from the 30-second cache, the state is checked again once and the work retried.
 * Members without a cloud block pass straight through.
 */
public final class CloudGate {
    private static final Logger log = LoggerFactory.getLogger(CloudGate.class);

    /** Work on a member that is ready. */
    @FunctionalInterface
    public interface MemberOp<T> {
        T apply(Member member) throws Exception;
    }

    private final CloudLifecycle lifecycle;
    private final ActivityRecorder activity;
    private final RegistryStore store;

    public CloudGate(CloudLifecycle lifecycle, ActivityRecorder activity, RegistryStore store) {
        this.lifecycle = lifecycle;
        this.activity = activity;
        this.store = store;
    }

    /** The member, with its instance running and its address current. */
    public Member ready(Member m, Progress progress) {
        awaitClaimedStop(m, progress);
        if (m.cloud() == null) {
            return m;
        }
        try {
            return lifecycle.ensureReady(m, progress);
        } catch (CloudException e) {
            throw new RequestRefused("Cloud member " + m.friendlyName() + " is not ready: " + e.getMessage());
        }
    }

    /** A start a person asked for: the member as started, and whether its instance was running already. */
    public record StartedByHand(Member member, boolean wasRunning) {
    }

    /**
     * {@code cloud_control start}: a stop another fleet server is requesting right now is waited
     * for first, not raced; then the instance is started unless it runs. {@code overrideBudget}:
     * past a spent daily budget.
     */
    public StartedByHand startByHand(Member m, Progress progress, boolean overrideBudget) throws CloudException {
        awaitClaimedStop(m, progress);
        boolean wasRunning = lifecycle.describe(m).state() == InstanceState.RUNNING;
        return new StartedByHand(lifecycle.ensureReady(m, progress, overrideBudget), wasRunning);
    }

    /**
     * Before a call works on a machine that has a cloud instance behind it (a cloud member, or a
     * plain remote member at an instance's address): its use is written to the registry at once,
     * not a second later as other uses are, so a stop another fleet server claims from now on
     * sees it and does not go ahead. A stop claimed already is waited for (bounded), and the call
     * then finds the instance stopping and starts it again, instead of running on a machine that
     * is going away.
     */
    private void awaitClaimedStop(Member m, Progress progress) {
        if (m.isLocal() || (!m.isCloud() && SameMachine.cloudMembersOf(store.read(), m).isEmpty())) {
            return;
        }
        Set<String> claimed;
        try {
            claimed = activity.touchNow(m.id(), r -> lifecycle.claimedStops(r, m));
        } catch (RegistryStore.RegistryException | RequestRefused e) {
            // A registry fleet cannot write (a full disk, a read-only file) stops no work, and no
            // server can claim a stop in it either: what is claimed is read all the same.
            log.warn("{}: could not record its use before the call ({})", m.friendlyName(), e.getMessage());
            claimed = lifecycle.claimedStops(store.read(), m);
        }
        if (claimed.isEmpty()) {
            return;
        }
        progress.message("a stop of this machine's instance is being requested; waiting for it, then starting it again");
        try {
            lifecycle.awaitClaimedStops(m, claimed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRefused("interrupted while waiting for a stop of " + m.friendlyName() + "'s instance");
        }
    }

    public <T> T run(Member m, Progress progress, MemberOp<T> op) throws Exception {
        Member ready = ready(m, progress);
        try {
            return op.apply(ready);
        } catch (UnreachableException e) {
            if (m.cloud() == null) {
                throw e;
            }
            lifecycle.forget(m);
            return op.apply(ready(ready, progress));
        }
    }
}
