package dev.fleet.importer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * Opens secrets sealed by the original TypeScript apra-fleet: {@code ivHex:tagHex:cipherHex},
 * AES-256-GCM with a 16-byte IV, keyed by scrypt (N=16384, r=8, p=1, 32 bytes) of
 * {@code "<host name>-<user name>-apra-fleet"} salted with the text of its data folder's
 * {@code salt} file. So such a secret opens only for the machine and account that sealed it.
 */
public final class OriginalSecrets {
    private static final Pattern SEALED = Pattern.compile("[0-9a-fA-F]{32}:[0-9a-fA-F]{32}:[0-9a-fA-F]*");
    private static final int TAG_BITS = 128;

    private final byte[] key;

    /**
     * @param saltText the trimmed text of the original's salt file (used as is, not hex-decoded)
     * @param hostName the host name of the machine that sealed the secrets
     * @param userName the account name that sealed them
     */
    public OriginalSecrets(String saltText, String hostName, String userName) {
        byte[] password = (hostName + "-" + userName + "-apra-fleet").getBytes(StandardCharsets.UTF_8);
        this.key = SCrypt.generate(password, saltText.strip().getBytes(StandardCharsets.UTF_8), 16384, 8, 1, 32);
        Arrays.fill(password, (byte) 0);
    }

    /** True for a value in the original's sealed format (whether or not it opens here). */
    public static boolean isSealedByOriginal(String value) {
        return value != null && SEALED.matcher(value).matches();
    }

    /** The plaintext; throws {@link UnsealException} (which never quotes the value) when it does not open. */
    public String open(String sealed) {
        if (!isSealedByOriginal(sealed)) {
            throw new UnsealException("not in the original's format");
        }
        String[] parts = sealed.split(":", -1);
        HexFormat hex = HexFormat.of();
        byte[] iv = hex.parseHex(parts[0]);
        byte[] tag = hex.parseHex(parts[1]);
        byte[] body = hex.parseHex(parts[2]);
        byte[] joined = new byte[body.length + tag.length];
        System.arraycopy(body, 0, joined, 0, body.length);
        System.arraycopy(tag, 0, joined, body.length, tag.length);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            return new String(cipher.doFinal(joined), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new UnsealException("does not open with this machine's host name, user name and salt");
        }
    }

    public static final class UnsealException extends RuntimeException {
        public UnsealException(String message) {
            super(message);
        }
    }
}
