package dev.fleet.exec.ssh;

import org.apache.sshd.client.channel.ClientChannel;

/**
 * How fleet ends a stream's channel ({@link StreamedWrites}) whose tool, fleet's own copy tool,
 * may still run on the member.
 *
 * <p>Why: MINA's immediate close ({@code close(true)}, also what {@code Closeable.close()} does)
 * drops the channel on fleet's side without telling the member. OpenSSH's sshd then keeps the
 * command running, its stdin open, and the session counted against its limit, until the whole
 * connection ends (a pooled one may live for hours). Closing gracefully sends the channel's
 * close: the member closes the command's stdin (a copy tool ends there) and frees the session.
 *
 * <p>Only for fleet's own tools: a user's command may have left a job in the background that
 * still writes to the channel, and the member would close that job's output too. A command's
 * channel keeps MINA's immediate close; a command that outlives its wait is killed by its run tag.
 */
final class ChannelEnds {
    private ChannelEnds() {
    }

    /** Ends {@code channel} where it is still open, telling the member; not waited for, so a member that does not answer holds no thread. */
    static void end(ClientChannel channel) {
        if (!channel.isClosed() && !channel.isClosing()) {
            channel.close(false);
        }
    }
}
