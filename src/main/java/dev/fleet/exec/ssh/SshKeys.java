package dev.fleet.exec.ssh;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.member.Member;
import dev.fleet.security.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
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

    /** Opens a fresh connection with the member's key only and runs a trivial command. */
    public static void proveLogin(Channels channels, Member keyMember) throws ChannelException {
        SshTarget target = channels.target(keyMember);
        try (ClientSession session = channels.sshPool().connectOnce(target)) {
            ChannelExec exec = session.createExecChannel("echo fleet-key-ok");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exec.setOut(out);
            exec.open().verify(Duration.ofSeconds(10));
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
            if (!out.toString(StandardCharsets.UTF_8).contains("fleet-key-ok")) {
                throw new ChannelException("the key login opened but the test command did not answer");
            }
        } catch (IOException e) {
            throw new ChannelException("key login test failed: " + e.getMessage(), e);
        }
    }
}
