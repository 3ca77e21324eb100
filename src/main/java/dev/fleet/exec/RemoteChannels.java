package dev.fleet.exec;

import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;

/**
 * Channels to members on other machines (SSH in {@code exec.ssh}). {@link Channels} routes to it,
 * so this package never depends on how remote members are reached.
 */
public interface RemoteChannels extends AutoCloseable {

    /** The channel of a remote member over its pooled connection; nothing is connected yet. */
    MemberChannel open(Member member, OsCommands os) throws ChannelException;

    /** Ends the pooled connection of one member, if any (changed login, removal, stopped instance). */
    void release(Member member);

    /** Ends every pooled connection; the next call on any member connects afresh. */
    void releaseAll();

    /**
     * Logs in over a separate, unpooled connection with exactly the member's login and runs a
     * trivial command: proves that this login works before fleet relies on it.
     */
    void proveLogin(Member member) throws ChannelException;

    @Override
    void close();
}
