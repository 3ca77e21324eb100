package dev.fleet.exec.ssh;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.RemoteChannels;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.SshLogin;
import dev.fleet.member.StoredSecrets;
import dev.fleet.os.OsCommands;
import dev.fleet.security.SecretBox;
import dev.fleet.security.SecretTag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/** Remote members over SSH: their logins, their pooled connections, and the proof that a login works. */
public final class SshChannels implements RemoteChannels {
    private final SshPool pool;
    private final StoredSecrets passwords;
    private final SpillFiles spillFiles;
    private final LocalPaths localPaths;

    public SshChannels(SshPool pool, StoredSecrets passwords, SpillFiles spillFiles, LocalPaths localPaths) {
        this.pool = pool;
        this.passwords = passwords;
        this.spillFiles = spillFiles;
        this.localPaths = localPaths;
    }

    @Override
    public MemberChannel open(Member member, OsCommands os) throws ChannelException {
        return new SshChannel(member.id(), target(member), pool, os, spillFiles);
    }

    /** Login details of a remote member; the password is decrypted only here, only in memory. */
    SshTarget target(Member m) throws ChannelException {
        SshLogin login = m.kind().sshLogin();
        if (login == null || login.host() == null || login.username() == null) {
            throw new ChannelException("member " + m.friendlyName() + " has no host or username registered");
        }
        String keyPath = m.kind().loginKeyPath();
        String password = null;
        if (m.kind().logsInWithPassword()) {
            if (login.encryptedPassword() == null) {
                throw new ChannelException("member " + m.friendlyName() + " uses password auth but has no stored password; "
                        + "set one with update_member");
            }
            try {
                password = passwords.password(m, login.encryptedPassword());
            } catch (SecretBox.SecretBoxException e) {
                throw new ChannelException("the stored password of " + m.friendlyName() + " " + e.getMessage()
                        + "; set it again with update_member");
            }
        }
        int port = login.portOrDefault();
        // The password by what it is, not by how it is sealed: a member registered with a password sealed
        // for the first contact, and stored sealed again, keeps the connection its registration opened.
        String fingerprint = Integer.toHexString(Objects.hash(login.host(), port, login.username(), keyPath,
                password == null ? null : SecretTag.of(password)));
        return new SshTarget(m.id() + "|" + fingerprint, login.host(), port, login.username(), password,
                keyPath == null ? null : Path.of(localPaths.expand(keyPath)),
                m.cloud() == null ? null : m.cloud().instanceId());
    }

    @Override
    public void release(Member member) {
        pool.invalidatePrefix(member.id() + "|");
    }

    @Override
    public void releaseAll() {
        pool.invalidatePrefix("");
    }

    @Override
    public void proveLogin(Member member) throws ChannelException {
        SshTarget target = target(member);
        try (ClientSession session = pool.connectOnce(target)) {
            ChannelExec exec = OrderlyExec.on(session, "echo fleet-key-ok");
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

    @Override
    public void close() {
        pool.close();
    }
}
