package dev.fleet.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM.
 *
 * <p>The key is 256 random bits kept in {@code secret.key} (0600) in the data directory, created
 * on the first encryption. Nothing about the machine goes into it, so a secret keeps opening when
 * the host name changes (macOS renames hosts with the network), while a registry copied without
 * its data directory opens nowhere. Sealed values read {@code v2:} + base64(IV ‖ ciphertext ‖ tag).
 *
 * <p>Earlier versions derived the key (PBKDF2-HMAC-SHA256) from the host name, the OS user and a
 * salt file; such values ({@code v1:}) still decrypt while that host name holds, and
 * {@link #isCurrent} tells callers to seal them again with the key. The key is read lazily: a
 * fleet without stored secrets never reads or writes it.
 *
 * <p>A secret that is to be kept only if what it is for succeeds (the password of a member being
 * registered, which must first log in) is sealed {@linkplain #sealForNow for now}: with a key
 * that lives in this process's memory only ({@code v0:}), so a registration that fails leaves no
 * key file behind. {@link #kept} seals it again with the key file once it is to be stored.
 */
public final class SecretBox {
    /** The key file's name in the data directory. */
    public static final String KEY_FILE = "secret.key";
    private static final String PREFIX = "v2:";
    private static final String LEGACY_PREFIX = "v1:";
    private static final String FOR_NOW_PREFIX = "v0:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int PBKDF2_ROUNDS = 100_000;

    private final Path keyFile;
    private final Path legacySaltFile;
    /** Asked only to open a value sealed by an earlier version: the host name may take a lookup. */
    private final Supplier<String> legacyIdentity;
    private volatile SecretKey key;
    private volatile SecretKey legacyKey;
    private volatile SecretKey forNowKey;

    /**
     * The secrets of the data directory holding {@code saltFile}, on this machine: the key file
     * lives beside it; the salt and {@link #localMachineIdentity()} (looked up only when such a
     * value is met) open values sealed by earlier versions.
     */
    public SecretBox(Path saltFile) {
        this(saltFile.resolveSibling(KEY_FILE), saltFile, SecretBox::localMachineIdentity);
    }

    /** As {@link #SecretBox(Path)}, with the machine identity given. */
    public SecretBox(Path saltFile, String machineIdentity) {
        this(saltFile.resolveSibling(KEY_FILE), saltFile, () -> machineIdentity);
    }

    SecretBox(Path keyFile, Path legacySaltFile, Supplier<String> legacyIdentity) {
        this.keyFile = keyFile;
        this.legacySaltFile = legacySaltFile;
        this.legacyIdentity = legacyIdentity;
    }

    /**
     * Made on first use (a class is initialised when first touched): its provider set-up is some
     * milliseconds of every start otherwise. One for all boxes; a SecureRandom is thread-safe.
     */
    private static final class SharedRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    private static SecureRandom random() {
        return SharedRandom.INSTANCE;
    }

    /** Host name plus OS user: what earlier versions derived their key from (to open their secrets). */
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

    /** Seals {@code plaintext} with the data directory's key, creating the key file if there is none yet. */
    public String encrypt(String plaintext) {
        return seal(plaintext, key(true), PREFIX);
    }

    /**
     * Seals {@code plaintext} for this process only: {@link #decrypt} opens it until the process
     * ends, and nothing is written. Such a value must pass through {@link #kept} before it is stored.
     */
    public String sealForNow(String plaintext) {
        return seal(plaintext, forNowKey(), FOR_NOW_PREFIX);
    }

    /**
     * The value to store for {@code sealed}: a value sealed {@linkplain #sealForNow for now} sealed
     * again with the key file (created if need be); any other value (null included) as it is.
     */
    public String kept(String sealed) {
        return sealed != null && sealed.startsWith(FOR_NOW_PREFIX) ? encrypt(decrypt(sealed)) : sealed;
    }

    private String seal(String plaintext, SecretKey with, String prefix) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random().nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, with, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return prefix + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException("could not encrypt the secret (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Opens a value sealed by {@link #encrypt} (or by an earlier version, while its host name holds). */
    public String decrypt(String sealed) {
        boolean legacy = sealed != null && sealed.startsWith(LEGACY_PREFIX);
        boolean forNow = sealed != null && sealed.startsWith(FOR_NOW_PREFIX);
        if (sealed == null || !(legacy || forNow || sealed.startsWith(PREFIX))) {
            throw new SecretBoxException("stored secret has an unknown format");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new SecretBoxException("stored secret is damaged (not base64)");
        }
        if (raw.length <= IV_BYTES) {
            throw new SecretBoxException("stored secret is truncated");
        }
        if (forNow && forNowKey == null) {
            throw new SecretBoxException("stored secret was sealed for one process only and cannot be opened here");
        }
        SecretKey k = legacy ? legacyKey() : forNow ? forNowKey : key(false);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
            byte[] plain = cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Deliberately vague: the cause never includes key material or plaintext.
            throw new SecretBoxException(legacy
                    ? "stored secret cannot be decrypted on this machine (it was sealed by an earlier fleet under "
                            + "another host name or user)"
                    : "stored secret cannot be decrypted with this data directory's key " + keyFile.getFileName()
                            + " (it was sealed by another installation, or the key was replaced)");
        }
    }

    /**
     * False for a value an earlier version sealed (it should be sealed again with the key file);
     * true for any other: one sealed with the key file, or one sealed for now, which {@link #kept}
     * turns into one when it is stored.
     */
    public boolean isCurrent(String sealed) {
        return sealed != null && (sealed.startsWith(PREFIX) || sealed.startsWith(FOR_NOW_PREFIX));
    }

    private SecretKey key(boolean create) {
        SecretKey k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    byte[] bytes = readOrCreateKey(create);
                    key = new SecretKeySpec(bytes, "AES");
                    Arrays.fill(bytes, (byte) 0);
                }
                k = key;
            }
        }
        return k;
    }

    /** Made on first use, in memory only. */
    private SecretKey forNowKey() {
        SecretKey k = forNowKey;
        if (k == null) {
            synchronized (this) {
                if (forNowKey == null) {
                    byte[] bytes = new byte[KEY_BYTES];
                    random().nextBytes(bytes);
                    forNowKey = new SecretKeySpec(bytes, "AES");
                    Arrays.fill(bytes, (byte) 0);
                }
                k = forNowKey;
            }
        }
        return k;
    }

    private byte[] readOrCreateKey(boolean create) {
        try {
            if (!Files.exists(keyFile)) {
                if (!create) {
                    throw new SecretBoxException("stored secret cannot be decrypted: the key file " + keyFile
                            + " is missing (secrets open only with the data directory they were sealed in)");
                }
                byte[] fresh = new byte[KEY_BYTES];
                random().nextBytes(fresh);
                Path tmp = keyFile.resolveSibling(keyFile.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
                SecureFiles.writeNew(tmp, fresh);
                Arrays.fill(fresh, (byte) 0);
                try {
                    // Another process may have created the key meanwhile: the first one wins.
                    Files.move(tmp, keyFile);
                } catch (FileAlreadyExistsException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            byte[] bytes = SecureFiles.readOwn(keyFile);
            if (bytes.length != KEY_BYTES) {
                throw new SecretBoxException("the key file " + keyFile + " is damaged (" + bytes.length + " bytes, not "
                        + KEY_BYTES + ")");
            }
            return bytes;
        } catch (IOException e) {
            throw new SecretBoxException("cannot read or create the key file " + keyFile + ": " + e.getMessage());
        }
    }

    private SecretKey legacyKey() {
        SecretKey k = legacyKey;
        if (k == null) {
            synchronized (this) {
                if (legacyKey == null) {
                    legacyKey = derive(readSalt());
                }
                k = legacyKey;
            }
        }
        return k;
    }

    private byte[] readSalt() {
        try {
            return Files.readAllBytes(legacySaltFile);
        } catch (NoSuchFileException e) {
            throw new SecretBoxException("stored secret cannot be decrypted: it was sealed by an earlier fleet whose salt file "
                    + legacySaltFile + " is missing");
        } catch (IOException e) {
            throw new SecretBoxException("cannot read the salt file " + legacySaltFile + ": " + e.getMessage());
        }
    }

    private SecretKey derive(byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(legacyIdentity.get().toCharArray(), salt, PBKDF2_ROUNDS, 256);
        try {
            byte[] bytes = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            SecretKey derived = new SecretKeySpec(bytes, "AES");
            Arrays.fill(bytes, (byte) 0);
            return derived;
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException("could not derive the earlier key (" + e.getClass().getSimpleName() + ")");
        } finally {
            spec.clearPassword();
        }
    }

    public static final class SecretBoxException extends RuntimeException {
        public SecretBoxException(String message) {
            super(message);
        }
    }
}
