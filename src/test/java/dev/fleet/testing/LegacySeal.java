package dev.fleet.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a secret the way earlier fleet versions did ("v1:"): AES-256-GCM under a key derived with
 * PBKDF2-HMAC-SHA256 (100 000 rounds) from the machine identity (host name, NUL, OS user) and the
 * 32-byte salt file of the data directory; the value is base64 of IV (12 bytes) then ciphertext
 * with tag. Tests use it to leave old secrets in a registry.
 */
public final class LegacySeal {
    private LegacySeal() {
    }

    public static String seal(String plaintext, Path saltFile, String machineIdentity) throws Exception {
        byte[] salt;
        if (Files.exists(saltFile)) {
            salt = Files.readAllBytes(saltFile);
        } else {
            salt = new byte[32];
            new SecureRandom().nextBytes(salt);
            Files.createDirectories(saltFile.getParent());
            Files.write(saltFile, salt);
        }
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(machineIdentity.toCharArray(), salt, 100_000, 256)).getEncoded();
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[iv.length + sealed.length];
        System.arraycopy(iv, 0, out, 0, iv.length);
        System.arraycopy(sealed, 0, out, iv.length, sealed.length);
        return "v1:" + Base64.getEncoder().encodeToString(out);
    }
}
