package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.vcs.VcsCredential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a member's git credentials are shown: provider, kind, host, first characters, expiry. Never the secret. */
final class VcsView {
    private VcsView() {
    }

    static List<Map<String, Object>> structured(Member m, Clock clock) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VcsCredential c : VcsCredential.of(m).values()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("provider", c.provider().json());
            v.put("mode", c.mode());
            v.put("host", c.host());
            v.put("token", c.tokenHint());
            if (c.access() != null) {
                v.put("access", c.access());
            }
            if (c.repos() != null) {
                v.put("repos", c.repos());
            }
            if (c.detail() != null) {
                v.put(c.provider() == dev.fleet.vcs.VcsProvider.BITBUCKET ? "workspace" : "org", c.detail());
            }
            v.put("expiresAt", c.expiresAt() == null ? null : c.expiresAt().toString());
            v.put("expired", c.expiredAt(clock.instant()));
            v.put("provisionedAt", c.provisionedAt() == null ? null : c.provisionedAt().toString());
            out.add(v);
        }
        return out;
    }

    /** One line per provider, e.g. {@code   git creds: GitHub github-app (push: acme/app) ghs_**** expires in 42m}. */
    static String block(Member m, Clock clock) {
        StringBuilder b = new StringBuilder();
        for (VcsCredential c : VcsCredential.of(m).values()) {
            b.append("  git creds: ").append(c.provider().label()).append(' ').append(c.mode());
            if (c.access() != null) {
                b.append(" (").append(c.access()).append(c.repos() == null ? "" : ": " + String.join(", ", c.repos())).append(')');
            }
            if (c.detail() != null) {
                b.append(" (").append(c.detail()).append(')');
            }
            b.append(' ').append(c.tokenHint()).append(" for ").append(c.host()).append(", ").append(expiry(c.expiresAt(), clock.instant()))
                    .append('\n');
        }
        return b.toString();
    }

    private static String expiry(Instant at, Instant now) {
        if (at == null) {
            return "no expiry known";
        }
        if (!at.isAfter(now)) {
            return "EXPIRED at " + at + " (renewed before the next command or prompt)";
        }
        Duration left = Duration.between(now, at);
        return "expires " + at + " (in " + (left.toMinutes() < 1 ? left.toSeconds() + "s" : left.toMinutes() + "m") + ")";
    }
}
