package dev.fleet.vcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.member.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What fleet deployed on a member for one provider: never the secret, only its first four
 * characters. Kept in the member's registry entry under {@value #REGISTRY_KEY} (a field the
 * original product does not know and keeps as it is), so it leaves with the member.
 *
 * @param mode        {@code github-app}, {@code pat}, {@code api-token} (Bitbucket) or {@code pat} (Azure DevOps)
 * @param host        the git host the helper answers for
 * @param access      GitHub App: the access level minted with; else null
 * @param repos       GitHub App: the repositories minted for ({@code *} = all); else null
 * @param detail      Bitbucket: the workspace; Azure DevOps: the organization; else null
 * @param tokenHint   {@code ghs_****}: the first four characters at most
 * @param expiresAt   when the secret stops working (GitHub App tokens: one hour); null when unknown
 */
public record VcsCredential(VcsProvider provider, String mode, String host, String username, String access, List<String> repos,
                            String detail, String tokenHint, Instant expiresAt, Instant provisionedAt) {
    public static final String REGISTRY_KEY = "vcsAuth";
    public static final String GITHUB_APP = "github-app";

    public VcsCredential {
        repos = repos == null ? null : List.copyOf(repos);
    }

    public boolean isGitHubApp() {
        return provider == VcsProvider.GITHUB && GITHUB_APP.equals(mode);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** At most the first four characters, and none of a short secret. */
    public static String hint(String secret) {
        return (secret.length() >= 12 ? secret.substring(0, 4) : "") + "****";
    }

    /** The member's credentials by provider, in provider order. Unreadable entries are skipped. */
    public static Map<VcsProvider, VcsCredential> of(Member m) {
        Map<VcsProvider, VcsCredential> out = new EnumMap<>(VcsProvider.class);
        JsonNode all = m.extra().get(REGISTRY_KEY);
        if (all == null || !all.isObject()) {
            return out;
        }
        all.fields().forEachRemaining(e -> VcsProvider.fromJson(e.getKey()).ifPresent(p -> {
            JsonNode n = e.getValue();
            List<String> repos = null;
            if (n.path("repos").isArray()) {
                repos = new ArrayList<>();
                for (JsonNode r : n.get("repos")) {
                    repos.add(r.asText());
                }
            }
            out.put(p, new VcsCredential(p, text(n, "mode"), text(n, "host"), text(n, "username"), text(n, "access"), repos,
                    text(n, "detail"), text(n, "token"), instant(n, "expiresAt"), instant(n, "provisionedAt")));
        }));
        return out;
    }

    /** The member with this credential recorded (replacing the provider's earlier one). */
    public Member recordOn(Member m) {
        ObjectNode all = current(m);
        all.set(provider.json(), toJson());
        return withRecords(m, all);
    }

    /** The member without a record for {@code provider}. */
    public static Member forget(Member m, VcsProvider provider) {
        ObjectNode all = current(m);
        all.remove(provider.json());
        return withRecords(m, all);
    }

    private static ObjectNode current(Member m) {
        JsonNode all = m.extra().get(REGISTRY_KEY);
        return all != null && all.isObject() ? ((ObjectNode) all).deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    private static Member withRecords(Member m, ObjectNode all) {
        Map<String, JsonNode> extra = new LinkedHashMap<>(m.extra());
        if (all.isEmpty()) {
            extra.remove(REGISTRY_KEY);
        } else {
            extra.put(REGISTRY_KEY, all);
        }
        return m.toBuilder().extra(extra).build();
    }

    private ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("mode", mode);
        n.put("host", host);
        n.put("username", username);
        if (access != null) {
            n.put("access", access);
        }
        if (repos != null) {
            repos.forEach(n.putArray("repos")::add);
        }
        if (detail != null) {
            n.put("detail", detail);
        }
        n.put("token", tokenHint);
        if (expiresAt != null) {
            n.put("expiresAt", expiresAt.toString());
        }
        n.put("provisionedAt", provisionedAt.toString());
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode n, String field) {
        try {
            String v = text(n, field);
            return v == null ? null : Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
