package dev.fleet.security;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets this fleet process has put on members that the registry keeps no copy of (a git
 * token, a GitHub App token fleet minted, the tokens of an agent login it copied): remembered in memory, so that a member printing one
 * later ({@code git credential fill}, a script echoing its environment) has it starred out of the
 * answer. A restarted fleet process no longer knows them; the registry's own secrets (a password,
 * an API key) are read from there each time.
 */
public final class SecretsOnMembers {
    /**
     * A member's git tokens are renewed hourly at most, and a copied login holds two or three; the
     * last few cover every one still valid.
     */
    private static final int KEPT_PER_MEMBER = 16;

    private final Map<String, Deque<String>> byMember = new ConcurrentHashMap<>();

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

    public List<String> of(String memberId) {
        Deque<String> kept = byMember.get(memberId);
        if (kept == null) {
            return List.of();
        }
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }
}
