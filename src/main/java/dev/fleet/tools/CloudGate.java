package dev.fleet.tools;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.exec.UnreachableException;
import dev.fleet.member.Member;

/**
 * The step every member-touching tool takes first: a cloud member's instance is brought up (with
 * progress) and its current address used. If the member then cannot be reached although its
 * state came from the 30-second cache, the state is checked again once and the call retried.
 */
final class CloudGate {
    interface MemberOp<T> {
        T apply(Member member) throws Exception;
    }

    private final CloudLifecycle lifecycle;

    CloudGate(CloudLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    Member ready(Member m, ToolCall call) {
        if (m.cloud() == null) {
            return m;
        }
        try {
            return lifecycle.ensureReady(m, message -> call.progress(0, null, message));
        } catch (CloudException e) {
            throw new ToolException("Cloud member " + m.friendlyName() + " is not ready: " + e.getMessage());
        }
    }

    <T> T run(Member m, ToolCall call, MemberOp<T> op) throws Exception {
        Member ready = ready(m, call);
        try {
            return op.apply(ready);
        } catch (UnreachableException e) {
            if (m.cloud() == null) {
                throw e;
            }
            lifecycle.forget(m);
            return op.apply(ready(ready, call));
        }
    }
}
