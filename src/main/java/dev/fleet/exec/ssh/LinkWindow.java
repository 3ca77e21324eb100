package dev.fleet.exec.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much a member may send fleet on one channel before fleet's acknowledgement: the channel
 * window fleet offers, sized to the connection's round trip.
 *
 * <p>Why: a channel moves at most one window per round trip. MINA offers 2 MiB, as OpenSSH does,
 * which caps a download from a member 100 ms away at 20 MiB/s however fast both ends are; MINA's
 * SFTP reads keep as many requests in the air as that window holds. A larger window on a
 * connection that does not need it only lets more bytes pile up in fleet's memory (a 16 MiB
 * window on loopback held about 25 MB more after a 256 MiB download, and went no faster). So the
 * window stays MINA's on a near member and grows with the round trip on a far one.
 *
 * <p>The round trip is measured once per connection, after login, by a request every SSH server
 * answers at once ({@code keepalive@openssh.com}, refused by OpenSSH as unknown), asked up to
 * three times; nothing waits for the answers. Channels opened before they arrive keep the usual
 * window.
 */
final class LinkWindow {
    private static final Logger log = LoggerFactory.getLogger(LinkWindow.class);
    /** MINA's own window, and OpenSSH's for a session channel. */
    static final long USUAL = CoreModuleProperties.DEFAULT_WINDOW_SIZE;
    /**
     * The largest window offered: enough for 160 MiB/s at 100 ms, about what this host moves over
     * one channel; a member's download can hold this much in fleet's memory at once.
     */
    static final long LARGEST = 16L * 1024 * 1024;
    /** Bytes per second one channel should be able to move: the window is this rate times the round trip. */
    static final long AIMED_RATE = 160L * 1024 * 1024;
    static final String PROBE = "keepalive@openssh.com";
    /** Questions a round trip is measured with, at most. */
    static final int PROBES = 3;
    /** The round trip {@link #measure} found for a connection, kept with it. */
    private static final ConnectionAnswer<Duration> ROUND_TRIP = new ConnectionAnswer<>();

    private LinkWindow() {
    }

    /** The window for a connection whose round trip is {@code roundTrip}: the usual one up to about 13 ms, then growing, at most {@link #LARGEST}. */
    static long forRoundTrip(Duration roundTrip) {
        long wanted = Math.round(roundTrip.toNanos() / 1e9 * AIMED_RATE);
        return Math.max(USUAL, Math.min(LARGEST, wanted));
    }

    /**
     * Measures {@code session}'s round trip and, once known, sets the window of every channel
     * opened on the session from then on ({@link #forRoundTrip}). {@code nanos}: the monotonic
     * clock the round trip is read from. The server is asked up to {@link #PROBES} times, one
     * question after the other's answer, and the shortest wait counts: the first answer after a
     * login can come late (OpenSSH on loopback answered in 49 ms once, where it takes a fraction of
     * one), and a near member asked again is seen as near. A wait that already gives the usual
     * window ends the asking. A question that cannot be sent changes nothing.
     */
    static void measure(ClientSession session, LongSupplier nanos) {
        ask(session, nanos, PROBES, null);
    }

    private static void ask(ClientSession session, LongSupplier nanos, int left, Duration shortest) {
        try {
            Buffer ask = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, PROBE.length() + 16);
            ask.putString(PROBE);
            ask.putBoolean(true);
            long sent = nanos.getAsLong();
            session.request(ask, PROBE, (cmd, reply) -> {
                // Any answer, a refusal included, took one round trip.
                Duration waited = Duration.ofNanos(nanos.getAsLong() - sent);
                Duration best = shortest == null || waited.compareTo(shortest) < 0 ? waited : shortest;
                if (left > 1 && forRoundTrip(best) != USUAL) {
                    ask(session, nanos, left - 1, best);
                    return;
                }
                long window = forRoundTrip(best);
                if (window != USUAL) {
                    CoreModuleProperties.WINDOW_SIZE.set(session, window);
                }
                ROUND_TRIP.keep(session, best);
                log.debug("round trip to {}: {} ms, channel window {} KiB", session.getRemoteAddress(), best.toMillis(),
                        window / 1024);
            });
        } catch (IOException | RuntimeException e) {
            log.debug("measuring the round trip to {} failed: {}", session.getRemoteAddress(), e.toString());
        }
    }

    /** The round trip measured for {@code session}; empty until its answer has come. */
    static Optional<Duration> roundTrip(ClientSession session) {
        return Optional.ofNullable(ROUND_TRIP.known(session));
    }

    /** The window channels opened on {@code session} now get (tests). */
    static long of(ClientSession session) {
        return CoreModuleProperties.WINDOW_SIZE.getRequired(session);
    }
}
