package dev.fleet.exec;

import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;

/**
 * Gives the channel for a member: local members share this machine's shell (each through a view
 * that tags its commands with the member), remote members get a channel over their pooled
 * connection. The channel carries the member's OS.
 */
public final class Channels implements AutoCloseable {
    private final LocalChannel local;
    private final RemoteChannels remote;

    public Channels(LocalChannel local, RemoteChannels remote) {
        this.local = local;
        this.remote = remote;
    }

    public MemberChannel forMember(Member member) throws ChannelException {
        if (member.isLocal()) {
            return local.forMember(member.id());
        }
        return remote.open(member, os(member));
    }

    /**
     * The OS commands the member's channel carries, known without reaching the member: what a
     * service checks input against before it starts anything (a stopped instance included).
     */
    public OsCommands os(Member member) {
        return member.isLocal() ? local.os() : OsCommands.forOs(member.osOrAssumed());
    }

    /** Ends the pooled connection of one member, if any. */
    public void release(Member member) {
        if (!member.isLocal()) {
            remote.release(member);
        }
    }

    /** Ends every pooled connection. */
    public void releaseAll() {
        remote.releaseAll();
    }

    /** Proves on a fresh connection that the member's login works (see {@link RemoteChannels#proveLogin}). */
    public void proveLogin(Member member) throws ChannelException {
        remote.proveLogin(member);
    }

    @Override
    public void close() {
        local.close();
        remote.close();
    }
}
