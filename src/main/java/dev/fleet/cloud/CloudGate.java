package dev.fleet.cloud;

import dev.fleet.base.Progress;
import dev.fleet.base.RequestRefused;
import dev.fleet.exec.UnreachableException;
import dev.fleet.member.Member;

/**
 * The step every service that touches a member takes first: a cloud member's instance is brought
 * up (with progress) and its current address used. If the member then cannot be reached although
 * its state came from the 30-second cache, the state is checked again once and the work retried.
 * Members without a cloud block pass straight through.
 */
public final class CloudGate {
    /** Work on a member that is ready. */
    @FunctionalInterface
    public interface MemberOp<T> {
        T apply(Member member) throws Exception;
    }

    private final CloudLifecycle lifecycle;

    public CloudGate(CloudLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** The member, with its instance running and its address current. */
    public Member ready(Member m, Progress progress) {
        if (m.cloud() == null) {
            return m;
        }
        try {
            return lifecycle.ensureReady(m, progress);
        } catch (CloudException e) {
            throw new RequestRefused("Cloud member " + m.friendlyName() + " is not ready: " + e.getMessage());
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
