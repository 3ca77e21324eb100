package dev.fleet.vcs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.util.Base64;

/**
 * The JSON Web Token a GitHub App authenticates with (RS256). Issued a minute in the past, so a
 * PM clock slightly ahead of GitHub's is tolerated, and valid ten minutes, GitHub's maximum.
 */
public final class AppJwt {
    static final long BACKDATE_SECONDS = 60;
    static final long LIFETIME_SECONDS = 600;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private AppJwt() {
    }

    public static String create(String appId, RSAPrivateKey key, Clock clock) throws VcsException {
        if (appId == null || !appId.matches("[0-9]{1,20}")) {
            throw new VcsException("Invalid GitHub App id: must be digits only");
        }
        long now = clock.instant().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        // appId is digits only (checked at setup), so it needs no JSON escaping.
        String payload = "{\"iat\":" + (now - BACKDATE_SECONDS) + ",\"exp\":" + (now + LIFETIME_SECONDS)
                + ",\"iss\":\"" + appId + "\"}";
        String signingInput = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new VcsException("Cannot sign the GitHub App token: " + e.getClass().getSimpleName());
        }
    }
}
