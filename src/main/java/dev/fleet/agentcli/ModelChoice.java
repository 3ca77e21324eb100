package dev.fleet.agentcli;

import java.util.Map;

/**
 * The model a prompt runs on: a tier name resolves through the member's own tiers, then the
 * provider's defaults; any other name is a model id passed as given. With no model asked for, the
 * member's standard tier applies if the member set one, else the CLI's own default (null model).
 */
public record ModelChoice(String model, ModelTier tier) {

    static ModelChoice resolve(ProviderAdapter cli, String requested, Map<ModelTier, String> memberTiers) {
        if (requested == null || requested.isBlank()) {
            String standard = memberTiers.get(ModelTier.STANDARD);
            return new ModelChoice(standard, standard == null ? null : ModelTier.STANDARD);
        }
        return ModelTier.fromJson(requested)
                .map(t -> new ModelChoice(memberTiers.getOrDefault(t, cli.defaultTiers().get(t)), t))
                .orElseGet(() -> new ModelChoice(requested, null));
    }
}
