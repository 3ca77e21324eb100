package dev.fleet.exec.ssh;

import dev.fleet.security.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Key pairs fleet makes for members, stored in OpenSSH format so other tools can use them too. */
public final class SshKeys {
    private SshKeys() {
    }

    public record Generated(Path privateKeyFile, Path publicKeyFile, String publicKeyLine, String fingerprint) {
    }

    /** Writes {@code file} (0600, OpenSSH private key) and {@code file.pub}. */
    public static Generated generateEd25519(Path file, String comment) throws IOException {
        CryptoProviders.install();
        try {
            SecureFiles.createPrivateDirectories(file.getParent());
            KeyPair pair = KeyUtils.generateKeyPair(org.apache.sshd.common.keyprovider.KeyPairProvider.SSH_ED25519, 256);
            ByteArrayOutputStream priv = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, priv);
            SecureFiles.writePrivate(file, priv.toByteArray());
            String pub = PublicKeyEntry.toString(pair.getPublic()) + " " + comment;
            Path pubFile = file.resolveSibling(file.getFileName() + ".pub");
            SecureFiles.writePrivate(pubFile, (pub + "\n").getBytes(StandardCharsets.UTF_8));
            return new Generated(file, pubFile, pub, KeyUtils.getFingerPrint(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an Ed25519 key: " + e.getMessage(), e);
        }
    }
}
