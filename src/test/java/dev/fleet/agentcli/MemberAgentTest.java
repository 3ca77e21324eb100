package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A member's agent settings live in the registry beside the original's fields and survive every rewrite. */
class MemberAgentTest {
    private final RegistryCodec codec = new RegistryCodec(new ObjectMapper());

    private Member member(String agentFields) throws Exception {
        String json = "{\"version\":\"1.0\",\"agents\":[{\"id\":\"m-1\",\"friendlyName\":\"box\",\"agentType\":\"local\","
                + "\"workFolder\":\"/w\",\"sessionId\":\"s-1\",\"futureField\":{\"kept\":true}" + agentFields + "}]}";
        return codec.parse(json.getBytes(StandardCharsets.UTF_8)).members().get(0);
    }

    @Test
    void aMemberWithoutAProviderIsAClaudeMemberAsInTheOriginal() throws Exception {
        Member m = member("");
        assertThat(MemberAgent.providerName(m)).isEqualTo("claude");
        assertThat(MemberAgent.adapter(m)).isSameAs(ClaudeAdapter.INSTANCE);
        assertThat(MemberAgent.modelTiers(m)).isEmpty();
        assertThat(MemberAgent.apiKey(m)).isEmpty();
    }

    @Test
    void providerTiersAndSealedKeyRoundTripWithTheFieldsFleetDoesNotKnow() throws Exception {
        Member m = MemberAgent.withApiKey(MemberAgent.withModelTiers(MemberAgent.withProvider(member(""), LlmProvider.CODEX),
                Map.of(ModelTier.CHEAP, "gpt-5-mini")), new MemberAgent.StoredKey("CODEX_API_KEY", "sealed-bytes"));
        byte[] written = codec.write(new Registry("1.0", java.util.List.of(m), Map.of()));
        JsonNode node = new ObjectMapper().readTree(written).get("agents").get(0);
        assertThat(node.get("llmProvider").asText()).isEqualTo("codex");
        assertThat(node.get("modelTiers").get("cheap").asText()).isEqualTo("gpt-5-mini");
        assertThat(node.get("llmApiKey").get("variable").asText()).isEqualTo("CODEX_API_KEY");
        assertThat(node.get("futureField").get("kept").asBoolean()).isTrue();
        Member back = codec.parse(written).members().get(0);
        assertThat(MemberAgent.provider(back)).contains(LlmProvider.CODEX);
        assertThat(MemberAgent.modelTiers(back)).containsEntry(ModelTier.CHEAP, "gpt-5-mini");
        assertThat(MemberAgent.apiKey(back)).contains(new MemberAgent.StoredKey("CODEX_API_KEY", "sealed-bytes"));
        assertThat(MemberAgent.apiKey(back).orElseThrow().toString()).doesNotContain("sealed-bytes");
    }

    @Test
    void changingTheProviderForgetsTheSessionKeepingItDoesNot() throws Exception {
        Member m = member(",\"llmProvider\":\"codex\"");
        assertThat(MemberAgent.withProvider(m, LlmProvider.CODEX).sessionId()).isEqualTo("s-1");
        assertThat(MemberAgent.withProvider(m, LlmProvider.OPENCODE).sessionId()).isNull();
    }

    @Test
    void aProviderThisFleetDoesNotDriveOrNoneIsRefusedWithWhatToDo() throws Exception {
        assertThatThrownBy(() -> MemberAgent.adapter(member(",\"llmProvider\":\"gemini\"")))
                .isInstanceOf(AgentUnavailable.class).hasMessageContaining("'gemini'").hasMessageContaining("update_member");
        assertThatThrownBy(() -> MemberAgent.adapter(member(",\"llmProvider\":\"none\"")))
                .isInstanceOf(AgentUnavailable.class).hasMessageContaining("commands only");
    }
}
