package dev.fleet.exec.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * An exec channel that answers the member's close only after a packet fleet is sending on it
 * has gone out, so nothing of fleet's ever follows its own close.
 *
 * <p>Why: when a member's command exits, OpenSSH closes the channel, and MINA answers that close
 * at once from its I/O thread. A thread of fleet's that writes to the channel (a stream's data,
 * a command's input or its end of file) may at that moment be past MINA's own "is it closing"
 * check and about to send. Its packet then follows fleet's close; OpenSSH has freed the channel
 * by then and ends the whole connection ("packet referred to nonexistent channel"), with every
 * other command and transfer on it. Over a far link it happened in about one run in six of a
 * stream whose tool failed midway.
 *
 * <p>How: a write counts itself in before it sends and out after. The member's close, arriving
 * while a write is in, is held and answered by that write as it leaves; arriving with none in, it
 * is answered at once and every later write is refused as a closed channel's. No lock is held
 * while a packet is sent: a send may wait for a key exchange, which needs the I/O thread the
 * close arrives on.
 */
class OrderlyExec extends ChannelExec {
    private final Object gate = new Object();
    private int writing;
    private boolean memberClosed;
    private boolean closeHeld;

    OrderlyExec(String command) {
        super(command, null, Map.of());
    }

    /** Opens an exec channel of {@code command} on {@code session}, as {@code session.createExecChannel} does. */
    static OrderlyExec on(ClientSession session, String command) throws IOException {
        OrderlyExec channel = new OrderlyExec(command);
        session.getService(ConnectionService.class).registerChannel(channel);
        return channel;
    }

    @Override
    public IoWriteFuture writePacket(Buffer buffer) throws IOException {
        return gated(() -> super.writePacket(buffer));
    }

    /** MINA sends the end of fleet's input past {@link #writePacket}, so it is held back the same way. */
    @Override
    protected IoWriteFuture sendEof() throws IOException {
        return gated(super::sendEof);
    }

    private IoWriteFuture gated(Send send) throws IOException {
        synchronized (gate) {
            if (memberClosed) {
                throw new EOFException("the member closed the channel");
            }
            writing++;
        }
        try {
            return send.go();
        } finally {
            boolean answer;
            synchronized (gate) {
                writing--;
                answer = writing == 0 && closeHeld;
                closeHeld &= !answer;
            }
            if (answer) {
                answerClose();
            }
        }
    }

    @Override
    public void handleClose() throws IOException {
        synchronized (gate) {
            memberClosed = true;
            if (writing > 0) {
                closeHeld = true;
                return;
            }
        }
        super.handleClose();
    }

    private interface Send {
        IoWriteFuture go() throws IOException;
    }

    private void answerClose() {
        try {
            super.handleClose();
        } catch (IOException | RuntimeException e) {
            // The close could not be answered: the connection is going, and the waits on the channel see it.
        }
    }
}
