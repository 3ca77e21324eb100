package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;

/**
 * An answer kept with a connection and combined with the one before: the fewest streams a member
 * took stays the fewest, also when several files report at the same moment.
 */
class ConnectionAnswerTest {
    /**
     * A connection whose attributes are kept as MINA keeps them (a concurrent map); nothing else
     * answers. A look at an attribute takes a little while, as a busy machine can make it take, so
     * a look and a keep that are not one step let another thread's keep in between.
     */
    private static ClientSession connection() {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        return (ClientSession) Proxy.newProxyInstance(ClientSession.class.getClassLoader(), new Class<?>[] {ClientSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> {
                        Object value = attributes.get(args[0]);
                        LockSupport.parkNanos(20_000);
                        yield value;
                    }
                    case "setAttribute" -> attributes.put(args[0], args[1]);
                    default -> null;
                });
    }

    @Test
    void theFirstAnswerIsKeptAsItIsAndLaterOnesAreCombinedWithIt() {
        ConnectionAnswer<Integer> fewest = new ConnectionAnswer<>();
        ClientSession session = connection();
        fewest.combine(session, 3, Math::min);
        assertThat(fewest.known(session)).isEqualTo(3);
        fewest.combine(session, 4, Math::min);
        assertThat(fewest.known(session)).isEqualTo(3);
        fewest.combine(session, 2, Math::min);
        assertThat(fewest.known(session)).isEqualTo(2);
        assertThat(fewest.known(connection())).as("another connection's answer is its own").isNull();
    }

    @Test
    void answersGivenAtTheSameMomentAreAllCombined() throws Exception {
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 100; round++) {
                ConnectionAnswer<Integer> fewest = new ConnectionAnswer<>();
                ClientSession session = connection();
                CyclicBarrier start = new CyclicBarrier(writers);
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    // Larger answers first in each thread, so a lost update leaves more than the fewest.
                    int base = i;
                    done.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        for (int v = 40; v >= 1; v--) {
                            fewest.combine(session, v * writers + base, Math::min);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(fewest.known(session)).as("round %d", round).isEqualTo(writers);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
