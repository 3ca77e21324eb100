package dev.fleet.testing;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.RemoteChannels;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;

/**
 * The remote side of {@code Channels} for tests that reach no remote member: every attempt is
 * refused. A test double that reaches members in its own way extends it and opens channels.
 */
public class NoRemoteMembers implements RemoteChannels {
    @Override
    public MemberChannel open(Member member, OsCommands os) throws ChannelException {
        throw new ChannelException("no remote member is reached in this test");
    }

    @Override
    public void release(Member member) {
    }

    @Override
    public void releaseAll() {
    }

    @Override
    public void proveLogin(Member member) throws ChannelException {
        throw new ChannelException("no remote member is reached in this test");
    }

    @Override
    public void close() {
    }
}
