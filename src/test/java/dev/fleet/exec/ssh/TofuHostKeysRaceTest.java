package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several fleet processes on one data dir (the daemon and a {@code fleet exec}, say) each trust a
 * new host on first use at the same moment: every host's key is recorded, none is lost. Each
 * {@link TofuHostKeys} here stands for one process (its lock is its own).
 */
class TofuHostKeysRaceTest {
    @TempDir
    Path tmp;

    private static ClientSession session() {
        return (ClientSession) Proxy.newProxyInstance(ClientSession.class.getClassLoader(), new Class<?>[] {ClientSession.class},
                (proxy, method, args) -> null);
    }

    @Test
    void firstUsesOfNewHostsByProcessesAtOnceAreAllRecorded() throws Exception {
        // As in fleet, where a connection sets MINA's providers up before any host key is checked.
        CryptoProviders.install();
        int processes = 6;
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            keys.add(gen.generateKeyPair());
        }
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        try {
            for (int round = 0; round < 500; round++) {
                Path file = tmp.resolve("known_hosts-" + round);
                CyclicBarrier start = new CyclicBarrier(processes);
                List<Future<Boolean>> done = new ArrayList<>();
                List<TofuHostKeys> all = new ArrayList<>();
                for (int i = 0; i < processes; i++) {
                    int n = i;
                    TofuHostKeys process = new TofuHostKeys(file);
                    all.add(process);
                    done.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return process.verifyServerKey(session(), new InetSocketAddress("127.0.0.1", 20000 + n),
                                keys.get(n).getPublic());
                    }));
                }
                for (int i = 0; i < processes; i++) {
                    assertThat(done.get(i).get(10, TimeUnit.SECONDS)).as("round " + round + ": "
                            + all.get(i).refusalFor("127.0.0.1", 20000 + i)).isTrue();
                }
                List<String> lines = Files.readAllLines(file);
                assertThat(lines).as("round " + round + ": every host's key is recorded").hasSize(processes);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
