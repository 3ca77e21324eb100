package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The secrets of a login file fleet copies to members, found for redaction; words under such keys are left alone. */
class LoginTokensTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void claudesAccessAndRefreshTokensAreFound() {
        assertThat(LoginTokens.in(utf8("{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-abcdefghijklmnop\","
                + "\"refreshToken\":\"sk-ant-ort01-qrstuvwxyz012345\",\"expiresAt\":1900000000000,"
                + "\"scopes\":[\"user:inference\",\"user:profile-with-a-long-name\"],\"subscriptionType\":\"max\"}}")))
                .containsExactly("sk-ant-oat01-abcdefghijklmnop", "sk-ant-ort01-qrstuvwxyz012345");
    }

    @Test
    void codexsKeyAndTokensAreFoundAtAnyDepthAndInArrays() {
        assertThat(LoginTokens.in(utf8("{\"OPENAI_API_KEY\":\"sk-proj-0123456789abcdef\",\"tokens\":{\"id_token\":"
                + "\"eyJhbGciOiJSUzI1NiJ9.payload\",\"access_token\":\"eyJhbGciOiJSUzI1NiJ9.access\",\"account_id\":"
                + "\"acct-0123456789abcdef\"},\"api_keys\":[\"sk-second-key-0123456789\"],\"last_refresh\":\"2026-12-01T00:00:00Z\"}")))
                .containsExactlyInAnyOrder("sk-proj-0123456789abcdef", "eyJhbGciOiJSUzI1NiJ9.payload", "eyJhbGciOiJSUzI1NiJ9.access",
                        "sk-second-key-0123456789");
    }

    @Test
    void shortWordsUnderSuchKeysAndFilesThatAreNotJsonGiveNone() {
        assertThat(LoginTokens.in(utf8("{\"tokenType\":\"Bearer\",\"keyId\":\"k1\",\"OPENAI_API_KEY\":null}"))).isEmpty();
        assertThat(LoginTokens.in(utf8("token = not json at all, 0123456789abcdef"))).isEmpty();
        assertThat(LoginTokens.in(new byte[0])).isEmpty();
    }
}
