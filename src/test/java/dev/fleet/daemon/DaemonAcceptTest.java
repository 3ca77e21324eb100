package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's socket keeps taking relays after accept fails (no file descriptor to spare while
 * another user floods the HTTP port): the failures are waited out, and the loop ends only when the
 * listener is closed.
 */
class DaemonAcceptTest {
    @TempDir
    Path tmp;

    @Test
    void failedAcceptsAreWaitedOutAndTheNextRelayIsServed() throws Exception {
        Path socket = tmp.resolve("fleet.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            AtomicInteger failures = new AtomicInteger(3);
            Daemon.Accept flaky = () -> {
                if (failures.getAndDecrement() > 0) {
                    throw new IOException("Too many open files");
                }
                return listener.accept();
            };
            List<SocketChannel> served = new CopyOnWriteArrayList<>();
            Thread loop = new Thread(() -> Daemon.acceptAll(flaky, listener::isOpen, served::add, Duration.ofMillis(10)));
            loop.start();

            try (SocketChannel relay = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> served.size() == 1);
            }
            assertThat(failures.get()).as("every failure was met and waited out").isNegative();
            assertThat(loop.isAlive()).isTrue();

            listener.close();
            loop.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(loop.isAlive()).as("a closed listener ends the loop").isFalse();
            for (SocketChannel ch : served) {
                ch.close();
            }
        }
    }
}
