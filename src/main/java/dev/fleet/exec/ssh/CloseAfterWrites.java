package dev.fleet.exec.ssh;

import java.io.EOFException;
import java.io.IOException;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoWriteFuture;

/**
 * Holds a member's close of a channel until the packet fleet is sending on it has gone out, so
 * nothing of fleet's ever follows its own answer to that close ({@link OrderlyExec}, and the
 * SFTP channel of {@link FlightSftpClient}).
 *
 * <p>Why: when the program behind a channel ends on the member (a command or copy tool that
 * exits, an SFTP server that dies), OpenSSH closes the channel, and MINA answers that close at
 * once from its I/O thread. A thread of fleet's that writes to the channel (a stream's data, a
 * command's input or its end of file, an SFTP request) may at that moment be past MINA's own "is
 * it closing" check and about to send. Its packet then follows fleet's close; OpenSSH has freed
 * the channel by then and ends the whole connection ("packet referred to nonexistent channel"),
 * with every other command and transfer on it. Over a far link it happened in about one run in
 * six of a stream whose tool failed midway.
 *
 * <p>How: a write counts itself in before it sends and out after. The member's close, arriving
 * while a write is in, is held and answered by that write as it leaves; arriving with none in, it
 * is answered at once, and every later write is dropped as a closed channel's. No lock is held
 * while a packet is sent: a send may wait for a key exchange, which needs the I/O thread the
 * close arrives on.
 */
final class CloseAfterWrites {
    /** One packet's send, as the channel's own method makes it. */
    interface Send {
        IoWriteFuture go() throws IOException;
    }

    /** The channel's own answer to the member's close. */
    interface Answer {
        void go() throws IOException;
    }

    private final Object gate = new Object();
    private int writing;
    private boolean memberClosed;
    private Answer held;

    /**
     * Sends a packet of fleet's. Once the member has closed the channel, the packet is dropped and
     * its future fails with an {@link EOFException}, as MINA itself answers a write to a closing
     * channel: a throw would reach MINA's own writes on its I/O thread, and a throw there ends the
     * whole connection.
     */
    IoWriteFuture write(Send send) throws IOException {
        synchronized (gate) {
            if (memberClosed) {
                return AbstractIoWriteFuture.fulfilled(this, new EOFException("the member closed the channel"));
            }
            writing++;
        }
        try {
            return send.go();
        } finally {
            Answer answer = null;
            synchronized (gate) {
                writing--;
                if (writing == 0) {
                    answer = held;
                    held = null;
                }
            }
            if (answer != null) {
                answerQuietly(answer);
            }
        }
    }

    /** The member closed the channel: {@code answer} now, or once the writes in progress are out. */
    void memberClosed(Answer answer) throws IOException {
        synchronized (gate) {
            memberClosed = true;
            if (writing > 0) {
                held = answer;
                return;
            }
        }
        answer.go();
    }

    private static void answerQuietly(Answer answer) {
        try {
            answer.go();
        } catch (IOException | RuntimeException e) {
            // Not answered: the connection is going, and whatever waits on the channel sees it close.
        }
    }
}
