package dev.fleet.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Which SFTP sessions on a member have moved data lately. An {@code sftp-server} process alone
 * does not show a transfer: a folder mounted with {@code sshfs} keeps one open for days without
 * moving a byte, and counting it as work kept a billed instance up for good. So each look records
 * every session's byte counters (bytes read and written, as the member's kernel shows them) and
 * when they last changed; a session counts as a transfer in progress while they changed within
 * the member's idle timeout. A session seen for the first time (this fleet process has no history
 * of it), and one whose counters cannot be read, count as moving: without history, fleet cannot
 * tell a transfer from an idle mount, and unknown never stops a machine.
 *
 * <p>The history is kept here, in memory, and not in each look's answer, so that every look
 * (the idle watcher's, a status call's) reads the same clock: a status call between two watcher
 * cycles cannot shorten the time a session must stay still.
 */
final class TransferMotion {
    private final Clock clock;
    /** Per member id: per process id, its counters and when they were first seen at that value. */
    private final Map<String, Map<String, Still>> byMember = new HashMap<>();

    private record Still(String counters, Instant since) {
    }

    /** What one look found: sessions that moved data within the window, and sessions that sat still for all of it. */
    record Seen(int moving, int still) {
    }

    TransferMotion(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a look at {@code memberId}'s SFTP sessions, {@code countersByPid} (null counters:
     * unreadable), and returns how many of them moved data within {@code window} and how many did
     * not. Sessions no longer there are forgotten.
     */
    synchronized Seen look(String memberId, Map<String, String> countersByPid, Duration window) {
        Instant now = clock.instant();
        Map<String, Still> before = byMember.getOrDefault(memberId, Map.of());
        Map<String, Still> after = new HashMap<>();
        int moving = 0;
        int still = 0;
        for (Map.Entry<String, String> session : countersByPid.entrySet()) {
            String counters = session.getValue();
            if (counters == null) {
                moving++;
                continue;
            }
            Still last = before.get(session.getKey());
            Still since = last != null && last.counters().equals(counters) ? last : new Still(counters, now);
            after.put(session.getKey(), since);
            if (Duration.between(since.since(), now).compareTo(window) < 0) {
                moving++;
            } else {
                still++;
            }
        }
        if (after.isEmpty()) {
            byMember.remove(memberId);
        } else {
            byMember.put(memberId, after);
        }
        return new Seen(moving, still);
    }
}
