package dev.fleet.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM.
 *
 * <p>The key is derived (PBKDF2-HMAC-SHA256) from the machine identity (hostname and OS user) and
 * a random per-installation salt kept in a 0600 file, so a copied registry file alone cannot be
 * decrypted on another machine or by another user. The key is derived lazily: a fleet without
 * stored passwords never reads or writes the salt.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int SALT_BYTES = 32;
    private static final int PBKDF2_ROUNDS = 100_000;

    private final Path saltFile;
    private final String machineIdentity;
    private final SecureRandom random = new SecureRandom();
    private volatile SecretKey key;

    public SecretBox(Path saltFile, String machineIdentity) {
        this.saltFile = saltFile;
        this.machineIdentity = machineIdentity;
    }

    /** Machine identity as hostname plus OS user; neither is secret, both are stable. */
    public static String localMachineIdentity() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown-host";
            }
        }
        return host + "\u0000" + System.getProperty("user.name", "unknown-user");
    }

    public String encrypt(String plaintext) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException("could not encrypt the secret (" + e.getClass().getSimpleName() + ")");
        }
    }

    public String decrypt(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new SecretBoxException("stored secret has an unknown format");
        }
        try {
            byte[] raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            if (raw.length <= IV_BYTES) {
                throw new SecretBoxException("stored secret is truncated");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
            byte[] plain = cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Deliberately vague: the cause never includes key material or plaintext.
            throw new SecretBoxException(
                    "stored secret cannot be decrypted on this machine (different host, user or salt)");
        }
    }

    private SecretKey key() throws GeneralSecurityException {
        SecretKey k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = derive(loadOrCreateSalt());
                }
                k = key;
            }
        }
        return k;
    }

    private SecretKey derive(byte[] salt) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(machineIdentity.toCharArray(), salt, PBKDF2_ROUNDS, 256);
        try {
            byte[] bytes = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            SecretKey derived = new SecretKeySpec(bytes, "AES");
            Arrays.fill(bytes, (byte) 0);
            return derived;
        } finally {
            spec.clearPassword();
        }
    }

    private byte[] loadOrCreateSalt() {
        try {
            if (Files.exists(saltFile)) {
                return Files.readAllBytes(saltFile);
            }
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            Path tmp = saltFile.resolveSibling(saltFile.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            SecureFiles.writePrivate(tmp, salt);
            try {
                // Another process may have created the salt meanwhile: first one wins.
                Files.move(tmp, saltFile);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
            }
            return Files.readAllBytes(saltFile);
        } catch (IOException e) {
            throw new SecretBoxException("cannot read or create the salt file " + saltFile + ": " + e.getMessage());
        }
    }

    public static final class SecretBoxException extends RuntimeException {
        public SecretBoxException(String message) {
            super(message);
        }
    }
}
