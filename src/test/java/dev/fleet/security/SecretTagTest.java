package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTagTest {
    @Test
    void equalSecretsGetEqualTagsThatRevealNothingOfThem() {
        String tag = SecretTag.of("hunter2");
        assertThat(tag).matches("[0-9a-f]{16}").isEqualTo(SecretTag.of("hunter2")).isNotEqualTo(SecretTag.of("hunter3"));
        // Not a plain hash anyone could recompute for a guessed password.
        assertThat(tag).isNotEqualTo(java.util.HexFormat.of().formatHex(sha256("hunter2"), 0, 8));
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
