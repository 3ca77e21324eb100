package dev.fleet.exec;

import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.util.concurrent.ExecutorService;

/**
 * Gives the channel for a member. Local members share one stateless channel; remote members
 * (SSH) are not wired yet and are refused with a clear message.
 */
public final class Channels implements AutoCloseable {
    private final LocalChannel local;

    public Channels(LoginEnvironment environment, SpillFiles spillFiles, ExecutorService streamPumps) {
        this.local = new LocalChannel(OsCommands.forOs(MemberOs.current()), environment, spillFiles, streamPumps);
    }

    public MemberChannel forMember(Member member) throws ChannelException {
        if (member.isLocal()) {
            return local;
        }
        throw new ChannelException("member " + member.friendlyName()
                + " is a remote member; remote (SSH) members are not supported by this version of fleet yet");
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
        // Local members hold no connection.
    }

    @Override
    public void close() {
        local.close();
    }
}
