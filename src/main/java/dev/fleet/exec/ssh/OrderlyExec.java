package dev.fleet.exec.ssh;

import java.io.IOException;
import java.util.Map;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * An exec channel that answers the member's close only after the packet fleet is sending on it
 * has gone out ({@link CloseAfterWrites}): every exec channel of fleet's is one (commands,
 * streams, the kill of a command's tree, the key-login proof).
 */
class OrderlyExec extends ChannelExec {
    private final CloseAfterWrites writes = new CloseAfterWrites();

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
        return writes.write(() -> super.writePacket(buffer));
    }

    /** MINA sends the end of fleet's input past {@link #writePacket}, so it is held back the same way. */
    @Override
    protected IoWriteFuture sendEof() throws IOException {
        return writes.write(super::sendEof);
    }

    @Override
    public void handleClose() throws IOException {
        writes.memberClosed(super::handleClose);
    }
}
