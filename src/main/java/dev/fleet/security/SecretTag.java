package dev.fleet.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells secrets apart where they are only compared, such as in the key of a pooled SSH connection
 * (a changed password must open a new connection), without revealing them: an HMAC-SHA256 under a
 * random key made by this process and never written or shown. A tag that reaches a log says
 * nothing about the secret, not even to a guess of a weak password; it means nothing in another process.
 */
public final class SecretTag {
    private static final SecretKeySpec KEY;

    static {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        KEY = new SecretKeySpec(bytes, "HmacSHA256");
        java.util.Arrays.fill(bytes, (byte) 0);
    }

    private SecretTag() {
    }

    /** 16 hex digits: equal for equal secrets within this process, unrelated otherwise. */
    public static String of(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(KEY);
            byte[] tag = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(tag, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this Java runtime", e);
        }
    }
}
