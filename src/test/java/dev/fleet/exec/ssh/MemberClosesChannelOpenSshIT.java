package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's command exits while fleet is sending it data: OpenSSH closes the channel, and a data
 * packet that followed fleet's answer to that close would end the whole connection. The test holds
 * fleet's write at the worst moment, past MINA's own "is the channel closing" check and before
 * the packet goes out, until the member's close has arrived and OpenSSH has had time to free the
 * channel. The connection must live on. (On MINA's plain exec channel it is dropped.)
 */
class MemberClosesChannelOpenSshIT {
    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    Path tmp;

    @Test
    void aWriteCaughtByTheMembersCloseDoesNotCostTheConnection() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
        SshTarget target = SSHD.get().target("orderly");
        try (SshPool pool = new SshPool(new TofuHostKeys(tmp.resolve("known_hosts")), clock, Duration.ofSeconds(10),
                Duration.ofMinutes(5));
             SshPool.Lease lease = pool.lease(target)) {
            ClientSession session = lease.session();
            HeldWrite channel = new HeldWrite("sleep 1");
            session.getService(ConnectionService.class).registerChannel(channel);
            channel.open().verify(Duration.ofSeconds(10));

            channel.holdNextWrite();
            try (OutputStream in = channel.getInvertedIn()) {
                in.write(new byte[1024]);
                in.flush();
            } catch (IOException refused) {
                // The channel was closing by then: a write dropped is as good as one sent before the close.
            }
            assertThat(channel.held()).as("the write was held until the member's close arrived").isTrue();
            assertThat(channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10)))
                    .contains(ClientChannelEvent.CLOSED);
            assertThat(channel.getExitStatus()).isZero();

            assertThat(session.executeRemoteCommand("echo still-here").strip()).isEqualTo("still-here");
            assertThat(session.isOpen()).isTrue();
        }
    }

    /** Holds its next data packet between MINA's closing check and the send, until the member's close has come and gone. */
    private static final class HeldWrite extends OrderlyExec {
        private final CountDownLatch memberClosed = new CountDownLatch(1);
        private final ThreadLocal<Boolean> inWrite = ThreadLocal.withInitial(() -> false);
        private volatile boolean hold;
        private volatile boolean held;

        HeldWrite(String command) {
            super(command);
        }

        void holdNextWrite() {
            hold = true;
        }

        boolean held() {
            return held;
        }

        @Override
        public IoWriteFuture writePacket(Buffer buffer) throws IOException {
            inWrite.set(true);
            try {
                return super.writePacket(buffer);
            } finally {
                inWrite.set(false);
            }
        }

        /** MINA's write asks for the session right after its closing check: the hold goes there. */
        @Override
        public Session getSession() {
            if (inWrite.get() && hold) {
                hold = false;
                try {
                    held = memberClosed.await(10, TimeUnit.SECONDS);
                    // Long enough for OpenSSH to take the close and free the channel.
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.getSession();
        }

        @Override
        public void handleClose() throws IOException {
            memberClosed.countDown();
            super.handleClose();
        }
    }
}
