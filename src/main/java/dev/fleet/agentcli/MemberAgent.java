package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.member.Member;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A member's agent settings, kept in the registry beside the fields the original product defined:
 * {@code llmProvider} (absent means claude, as in the original), {@code modelTiers}
 * ({@code {"cheap": model, …}}) and {@code llmApiKey} ({@code {"variable": NAME, "sealed": …}},
 * sealed by the secret box). They live in the member's carried-through fields, so a registry shared
 * with another fleet version keeps them untouched.
 */
public final class MemberAgent {
    public static final String PROVIDER_FIELD = "llmProvider";
    public static final String TIERS_FIELD = "modelTiers";
    public static final String KEY_FIELD = "llmApiKey";

    private MemberAgent() {
    }

    /** A key stored for a member's CLI: the variable it goes in, and its sealed value (never shown). */
    public record StoredKey(String variable, String sealed) {
        @Override
        public String toString() {
            return "StoredKey[" + variable + "]";
        }
    }

    /** The provider name as registered ({@code claude} when none is). */
    public static String providerName(Member m) {
        JsonNode v = m.extra().get(PROVIDER_FIELD);
        return v == null || v.isNull() || v.asText().isBlank() ? LlmProvider.DEFAULT.json() : v.asText();
    }

    /** The member's provider; empty when the registry names one this fleet does not know. */
    public static Optional<LlmProvider> provider(Member m) {
        return LlmProvider.fromJson(providerName(m));
    }

    /** The member's CLI adapter; empty for a command-only member or a provider this fleet does not know. */
    public static Optional<ProviderAdapter> cli(Member m) {
        return provider(m).flatMap(LlmProvider::adapter);
    }

    /** Whether the member is registered for commands only. */
    public static boolean commandsOnly(Member m) {
        return provider(m).orElse(null) == LlmProvider.NONE;
    }

    /** The member's CLI adapter; refused with a message that says what to do when there is none. */
    public static ProviderAdapter adapter(Member m) {
        LlmProvider p = provider(m).orElseThrow(() -> new AgentUnavailable("member " + m.friendlyName() + " names llm_provider '"
                + providerName(m) + "', which this fleet does not drive; set one of " + String.join(", ", LlmProvider.names())
                + " with update_member"));
        return p.adapter().orElseThrow(() -> new AgentUnavailable("member " + m.friendlyName() + " has llm_provider=none "
                + "(commands only); set llm_provider with update_member to give it an agent"));
    }

    public static Map<ModelTier, String> modelTiers(Member m) {
        Map<ModelTier, String> tiers = new EnumMap<>(ModelTier.class);
        JsonNode v = m.extra().get(TIERS_FIELD);
        if (v != null && v.isObject()) {
            v.fields().forEachRemaining(e -> ModelTier.fromJson(e.getKey())
                    .ifPresent(t -> {
                        if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
                            tiers.put(t, e.getValue().asText());
                        }
                    }));
        }
        return tiers;
    }

    public static Optional<StoredKey> apiKey(Member m) {
        JsonNode v = m.extra().get(KEY_FIELD);
        if (v == null || !v.isObject() || !v.path("variable").isTextual() || !v.path("sealed").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new StoredKey(v.get("variable").asText(), v.get("sealed").asText()));
    }

    /**
     * The member with another provider. A session belongs to the CLI that made it, so changing the
     * provider forgets the stored session.
     */
    public static Member withProvider(Member m, LlmProvider provider) {
        boolean changed = !providerName(m).equals(provider.json());
        Member next = with(m, PROVIDER_FIELD, JsonNodeFactory.instance.textNode(provider.json()));
        return changed ? next.withSessionId(null) : next;
    }

    /** The member with these tier models; an empty map removes the member's own tiers. */
    public static Member withModelTiers(Member m, Map<ModelTier, String> tiers) {
        if (tiers.isEmpty()) {
            return with(m, TIERS_FIELD, null);
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        tiers.forEach((t, model) -> node.put(t.json(), model));
        return with(m, TIERS_FIELD, node);
    }

    public static Member withApiKey(Member m, StoredKey key) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("variable", key.variable());
        node.put("sealed", key.sealed());
        return with(m, KEY_FIELD, node);
    }

    private static Member with(Member m, String field, JsonNode value) {
        Map<String, JsonNode> extra = new LinkedHashMap<>(m.extra());
        if (value == null) {
            extra.remove(field);
        } else {
            extra.put(field, value);
        }
        return m.toBuilder().extra(extra).build();
    }
}
