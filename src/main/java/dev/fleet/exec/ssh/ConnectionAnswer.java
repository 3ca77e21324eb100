package dev.fleet.exec.ssh;

import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * A question about a connection's member (does its {@code dd} take these options, which tar does
 * it have), put once per connection and its answer kept with the connection. Only an answer is
 * kept: a question that got none (it could not be put, or timed out) is asked again next time, so
 * a passing failure does not mark a connection for its whole life.
 */
final class ConnectionAnswer<T> {
    private final AttributeKey<T> key = new AttributeKey<>();

    /** The kept answer for {@code session}'s connection, else {@code ask}'s (kept when there is one); empty: no answer. */
    Optional<T> get(ClientSession session, Function<ClientSession, Optional<T>> ask) {
        T known = session.getAttribute(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<T> answer = ask.apply(session);
        answer.ifPresent(a -> session.setAttribute(key, a));
        return answer;
    }

    /** The kept answer; null: none yet. */
    T known(ClientSession session) {
        return session.getAttribute(key);
    }

    /** Keeps {@code answer} for {@code session}'s connection, found without asking. */
    void keep(ClientSession session, T answer) {
        session.setAttribute(key, answer);
    }

    /**
     * Keeps {@code answer} combined with the one kept before ({@code combine(before, answer)}; the
     * answer alone when there was none), as one step: two calls at once on one connection (two files
     * sent side by side) each see the other's answer, where a look and then a keep could lose one.
     */
    synchronized void combine(ClientSession session, T answer, BinaryOperator<T> combine) {
        T before = session.getAttribute(key);
        session.setAttribute(key, before == null ? answer : combine.apply(before, answer));
    }
}
