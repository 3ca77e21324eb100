package dev.fleet.probe;

import java.time.Instant;

/**
 * One member's state as fleet_status reports it.
 *
 * @param problem why the member is offline (null when online)
 */
public record MemberStatus(
        String id,
        String name,
        String type,
        boolean online,
        String problem,
        BusyState busy,
        String sessionId,
        Instant lastUsed,
        String workFolder) {

    public String shortSession() {
        return sessionId == null ? "-" : sessionId.length() <= 8 ? sessionId : sessionId.substring(0, 8);
    }
}
