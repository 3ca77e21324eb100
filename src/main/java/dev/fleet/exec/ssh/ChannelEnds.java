package dev.fleet.exec.ssh;

import java.io.IOException;
import org.apache.sshd.client.channel.ClientChannel;

/**
 * How fleet ends a stream's channel ({@link StreamedWrites}) whose tool, fleet's own copy tool,
 * may still run on the member.
 *
 * <p>Why: MINA's immediate close ({@code close(true)}, also what {@code Closeable.close()} does)
 * drops the channel on fleet's side without telling the member. OpenSSH's sshd then keeps the
 * command running, its stdin open, and the session counted against its limit, until the whole
 * connection ends (a pooled one may live for hours).
 *
 * <p>The channel's close is sent only by the thread that writes to it, after its last write
 * ({@link #end}): a packet that follows fleet's close can cost the whole connection, as
 * {@link CloseAfterWrites} tells (it orders the member's close; this class, fleet's own). Another
 * thread stops a stream ({@link #stop}) by closing the member's window on fleet's side only: no
 * packet is sent, the writer's next write fails at once, and the writer ends its input and the
 * channel in order.
 *
 * <p>Only for fleet's own tools: a user's command may have left a job in the background that
 * still writes to the channel, and the member would close that job's output too. A command's
 * channel keeps MINA's immediate close; a command that outlives its wait is killed by its run tag.
 */
final class ChannelEnds {
    private ChannelEnds() {
    }

    /**
     * Stops the writes to {@code channel}, from any thread: its writer's next write (or the one it
     * waits in) fails, and the writer then ends the channel ({@link #end}). Sends nothing.
     */
    static void stop(ClientChannel channel) {
        try {
            channel.getRemoteWindow().close();
        } catch (IOException | RuntimeException e) {
            // A window that cannot close is already closed: its channel is going.
        }
    }

    /**
     * Ends {@code channel} where it is still open, telling the member; only from the thread that
     * wrote to it, after its last write. Not waited for, so a member that does not answer holds no thread.
     */
    static void end(ClientChannel channel) {
        if (!channel.isClosed() && !channel.isClosing()) {
            channel.close(false);
        }
    }
}
