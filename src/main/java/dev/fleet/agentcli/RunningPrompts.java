package dev.fleet.agentcli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The prompts this fleet process is running, per member, so stop_prompt can mark them cancelled
 * and wait for them to finish. (Runs started by another fleet process are still stopped on the
 * member; only their result is reported by that process.)
 */
public final class RunningPrompts {
    private final Map<String, List<Handle>> byMember = new ConcurrentHashMap<>();

    /** One run in flight. */
    public static final class Handle {
        private final String memberId;
        private final String runId;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile FailureClass endedBy;

        private Handle(String memberId, String runId) {
            this.memberId = memberId;
            this.runId = runId;
        }

        public String runId() {
            return runId;
        }

        /** Why fleet ended it (cancelled or stalled); null while nobody did. The first reason stays. */
        public FailureClass endedBy() {
            return endedBy;
        }

        synchronized boolean end(FailureClass reason) {
            if (endedBy != null) {
                return false;
            }
            endedBy = reason;
            return true;
        }

        boolean finished() {
            return done.getCount() == 0;
        }

        boolean awaitFinish(long millis) throws InterruptedException {
            return done.await(millis, TimeUnit.MILLISECONDS);
        }
    }

    Handle begin(String memberId, String runId) {
        Handle h = new Handle(memberId, runId);
        byMember.computeIfAbsent(memberId, k -> new CopyOnWriteArrayList<>()).add(h);
        return h;
    }

    void finish(Handle h) {
        h.done.countDown();
        byMember.computeIfPresent(h.memberId, (k, list) -> {
            list.remove(h);
            return list.isEmpty() ? null : list;
        });
    }

    List<Handle> of(String memberId) {
        return List.copyOf(byMember.getOrDefault(memberId, List.of()));
    }

    public boolean anyRunning(String memberId) {
        return !of(memberId).isEmpty();
    }
}
