package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What fleet put on a member is kept for redaction: the last git tokens, and the copied login beside them. */
class SecretsOnMembersTest {
    @Test
    void gitRenewalsDoNotPushACopiedLoginOut() {
        SecretsOnMembers kept = new SecretsOnMembers();
        kept.loginCopied("m1", List.of("login-access-token-0001", "login-refresh-token-0001"));
        for (int hour = 0; hour < 40; hour++) {
            kept.deployed("m1", "ghs_renewed_token_" + hour);
        }
        assertThat(kept.of("m1")).contains("login-access-token-0001", "login-refresh-token-0001", "ghs_renewed_token_39")
                .doesNotContain("ghs_renewed_token_0");
        assertThat(kept.of("m2")).isEmpty();
    }

    @Test
    void aLaterLoginComesFirstAndTheFewestRecentAreKept() {
        SecretsOnMembers kept = new SecretsOnMembers();
        for (int copy = 0; copy < 20; copy++) {
            kept.loginCopied("m1", List.of("access-" + copy + "-0123456789"));
        }
        assertThat(kept.of("m1")).hasSize(16).startsWith("access-19-0123456789").doesNotContain("access-0-0123456789");
    }
}
