package dev.fleet.security;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets this fleet process has put on members that the registry keeps no copy of (a git
 * token, a GitHub App token fleet minted, the tokens of an agent login it copied): remembered in
 * memory, so that a member printing one later ({@code git credential fill}, a script echoing its
 * environment, {@code cat} of its login file) has it starred out of the answer. A restarted fleet process no longer knows them; the registry's own secrets (a password,
 * an API key) are read from there each time.
 */
public final class SecretsOnMembers {
    /** A member's git tokens are renewed hourly at most; the last few cover every one still valid. */
    private static final int KEPT_PER_MEMBER = 16;

    private final Map<String, Deque<String>> byMember = new ConcurrentHashMap<>();
    /**
     * The tokens of the agent login last copied to each member, apart from the git tokens: hourly
     * git renewals must not push a login that is still on the member out of the kept few.
     */
    private final Map<String, List<String>> loginsByMember = new ConcurrentHashMap<>();

    public void deployed(String memberId, String secret) {
        Deque<String> kept = byMember.computeIfAbsent(memberId, k -> new ArrayDeque<>());
        synchronized (kept) {
            kept.remove(secret);
            kept.addFirst(secret);
            while (kept.size() > KEPT_PER_MEMBER) {
                kept.removeLast();
            }
        }
    }

    /**
     * The secrets of an agent login file copied to the member, newest first before those of files
     * copied earlier (a member may still hold an old copy somewhere); the newest few are kept.
     */
    public void loginCopied(String memberId, List<String> secrets) {
        loginsByMember.merge(memberId, List.copyOf(secrets), (before, now) -> {
            java.util.LinkedHashSet<String> both = new java.util.LinkedHashSet<>(now);
            both.addAll(before);
            return List.copyOf(both).subList(0, Math.min(both.size(), KEPT_PER_MEMBER));
        });
    }

    public List<String> of(String memberId) {
        List<String> held = new java.util.ArrayList<>(loginsByMember.getOrDefault(memberId, List.of()));
        Deque<String> kept = byMember.get(memberId);
        if (kept != null) {
            synchronized (kept) {
                held.addAll(kept);
            }
        }
        return held;
    }
}
