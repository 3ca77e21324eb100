package dev.fleet.exec;

import dev.fleet.exec.ssh.SshChannel;
import dev.fleet.exec.ssh.SshPool;
import dev.fleet.exec.ssh.SshTarget;
import dev.fleet.member.AuthType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.security.SecretBox;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * Gives the channel for a member: local members share one stateless channel, remote members get
 * an SSH channel over the member's pooled connection.
 */
public final class Channels implements AutoCloseable {
    private final LocalChannel local;
    private final SshPool sshPool;
    private final SecretBox secrets;
    private final SpillFiles spillFiles;

    public Channels(LoginEnvironment environment, SpillFiles spillFiles, ExecutorService streamPumps,
                    SshPool sshPool, SecretBox secrets) {
        this.local = new LocalChannel(OsCommands.forOs(MemberOs.current()), environment, spillFiles, streamPumps);
        this.sshPool = sshPool;
        this.secrets = secrets;
        this.spillFiles = spillFiles;
    }

    public MemberChannel forMember(Member member) throws ChannelException {
        if (member.isLocal()) {
            return local;
        }
        return new SshChannel(target(member), sshPool, osOf(member), spillFiles);
    }

    /** Login details of a remote member; the password is decrypted only here, only in memory. */
    public SshTarget target(Member m) throws ChannelException {
        if (m.host() == null || m.username() == null) {
            throw new ChannelException("member " + m.friendlyName() + " has no host or username registered");
        }
        String keyPath = m.keyPath() != null ? m.keyPath() : m.cloud() != null ? m.cloud().sshKeyPath() : null;
        String password = null;
        if (m.authType() == AuthType.PASSWORD || (keyPath == null && m.encryptedPassword() != null)) {
            if (m.encryptedPassword() == null) {
                throw new ChannelException("member " + m.friendlyName() + " uses password auth but has no stored password; "
                        + "set one with update_member");
            }
            try {
                password = secrets.decrypt(m.encryptedPassword());
            } catch (SecretBox.SecretBoxException e) {
                throw new ChannelException("the stored password of " + m.friendlyName() + " " + e.getMessage()
                        + "; set it again with update_member");
            }
            keyPath = m.authType() == AuthType.PASSWORD ? null : keyPath;
        }
        int port = m.port() == null ? 22 : m.port();
        String fingerprint = Integer.toHexString(Objects.hash(m.host(), port, m.username(), keyPath, m.encryptedPassword()));
        return new SshTarget(m.id() + "|" + fingerprint, m.host(), port, m.username(), password,
                keyPath == null ? null : Path.of(expandHome(keyPath)));
    }

    private static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    /** Commands for the member's OS; unknown OS is treated as the local one for local members, else Linux. */
    public static OsCommands osOf(Member member) {
        if (member.os() != null) {
            return OsCommands.forOs(member.os());
        }
        return OsCommands.forOs(member.isLocal() ? MemberOs.current() : MemberOs.LINUX);
    }

    /** Ends the pooled connection of one member, if any. */
    public void release(Member member) {
        sshPool.invalidatePrefix(member.id() + "|");
    }

    public SshPool sshPool() {
        return sshPool;
    }

    @Override
    public void close() {
        local.close();
        sshPool.close();
    }
}
