package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost estimates come from the shipped table or the data dir's, never from a guess; tiers resolve per member. */
class PricingAndTiersTest {
    @TempDir
    Path dir;

    @Test
    void aKnownModelIsPricedFromTheShippedTableIncludingDatedIds() {
        PricingTable table = new PricingTable(dir.resolve("llm-pricing.json"));
        assertThat(table.estimate(LlmProvider.CLAUDE, List.of(new AgentReply.ModelUsage("claude-sonnet-4-5-20250929", 1_000_000, 100_000))))
                .hasValueSatisfying(c -> assertThat(c).isCloseTo(3.0 + 1.5, Offset.offset(1e-9)));
        assertThat(table.price(LlmProvider.CODEX, "gpt-5.4-mini")).isPresent();
    }

    @Test
    void anUnknownModelOrAnyUnpricedPartHasNoPrice() {
        PricingTable table = new PricingTable(dir.resolve("llm-pricing.json"));
        assertThat(table.price(LlmProvider.CODEX, "gpt-9-experimental")).isEmpty();
        assertThat(table.estimate(LlmProvider.CLAUDE, List.of(new AgentReply.ModelUsage("sonnet", 10, 10),
                new AgentReply.ModelUsage("mystery-model", 10, 10)))).isEmpty();
        // Copilot plans bill premium requests, not tokens: nothing is priced by default.
        assertThat(table.price(LlmProvider.COPILOT, "claude-sonnet-4.6")).isEmpty();
        assertThat(table.estimate(LlmProvider.CLAUDE, List.of())).isEmpty();
    }

    @Test
    void theDataDirTableWinsAndAnEditTakesEffectAtOnce() throws Exception {
        Path file = dir.resolve("llm-pricing.json");
        PricingTable table = new PricingTable(file);
        Files.writeString(file, "{\"providers\":{\"claude\":{\"sonnet\":{\"input\":1,\"output\":2}},"
                + "\"copilot\":{\"claude-sonnet-4.6\":{\"input\":0.5,\"output\":0.5}}}}");
        assertThat(table.price(LlmProvider.CLAUDE, "sonnet")).contains(new PricingTable.Price(1, 2));
        assertThat(table.price(LlmProvider.COPILOT, "claude-sonnet-4.6")).isPresent();
        assertThat(table.price(LlmProvider.CLAUDE, "opus")).contains(new PricingTable.Price(5, 25));
        Files.writeString(file, "not json");
        assertThat(table.price(LlmProvider.CLAUDE, "sonnet")).contains(new PricingTable.Price(3, 15));
    }

    @Test
    void tiersResolveThroughTheMemberThenTheProviderAndIdsPassThrough() {
        Map<ModelTier, String> member = Map.of(ModelTier.CHEAP, "ollama/qwen3-coder");
        assertThat(ModelChoice.resolve(OpenCodeAdapter.INSTANCE, "cheap", member)).isEqualTo(new ModelChoice("ollama/qwen3-coder", ModelTier.CHEAP));
        assertThat(ModelChoice.resolve(CodexAdapter.INSTANCE, "premium", member)).isEqualTo(new ModelChoice("gpt-5.4", ModelTier.PREMIUM));
        assertThat(ModelChoice.resolve(ClaudeAdapter.INSTANCE, "claude-opus-4-5", member)).isEqualTo(new ModelChoice("claude-opus-4-5", null));
        assertThat(ModelChoice.resolve(ClaudeAdapter.INSTANCE, null, Map.of())).isEqualTo(new ModelChoice(null, null));
        assertThat(ModelChoice.resolve(ClaudeAdapter.INSTANCE, null, Map.of(ModelTier.STANDARD, "sonnet")))
                .isEqualTo(new ModelChoice("sonnet", ModelTier.STANDARD));
    }
}
