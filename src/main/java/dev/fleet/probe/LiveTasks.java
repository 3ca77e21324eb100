package dev.fleet.probe;

import dev.fleet.member.Member;
import java.time.Duration;
import java.util.List;

/**
 * The fleet tasks still alive on a member, by id: what the activity probe's task step asks. The
 * task service answers it, so a task counts as live by one rule everywhere (the explicit stop,
 * auto_stop and the idle watcher).
 */
@FunctionalInterface
public interface LiveTasks {
    /**
     * The live tasks' ids; empty on members that cannot run tasks.
     *
     * @throws Exception when the member could not be asked within {@code timeout} or its answer failed
     */
    List<String> on(Member member, Duration timeout) throws Exception;
}
