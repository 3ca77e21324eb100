package dev.fleet.testing;

import dev.fleet.exec.ssh.CryptoProviders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Client key files for tests, in OpenSSH format, optionally authorized for the test user. */
public final class TestKeys {
    private TestKeys() {
    }

    /** Writes a private key ({@code type}: ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa) and returns its path. */
    public static Path write(Path file, String type, int bits, String passphrase) throws Exception {
        CryptoProviders.install();
        KeyPair pair = KeyUtils.generateKeyPair(type, bits);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyEncryptionContext encryption = null;
        if (passphrase != null) {
            encryption = new OpenSSHKeyEncryptionContext();
            encryption.setPassword(passphrase);
            encryption.setCipherName("AES");
            encryption.setCipherMode("CTR");
            encryption.setCipherType("256");
        }
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "test", encryption, out);
        Files.createDirectories(file.getParent());
        Files.write(file, out.toByteArray());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file.resolveSibling(file.getFileName() + ".pub"), PublicKeyEntry.toString(pair.getPublic()) + " test\n");
        return file;
    }

    /** Appends the key's public half to the test home's authorized_keys. */
    public static void authorize(TestHome home, Path privateKey) throws Exception {
        authorize(home.home(), privateKey);
    }

    public static void authorize(Path home, Path privateKey) throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Path pub = privateKey.resolveSibling(privateKey.getFileName() + ".pub");
        Files.writeString(ssh.resolve("authorized_keys"), Files.readString(pub, StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
