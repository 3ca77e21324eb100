package dev.fleet.member;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * A writer run in a child JVM by {@link RegistryConcurrencyTest}.
 *
 * <p>Arguments: {@code <dataDir> <prefix> <count> [gated]} where count is a number or {@code loop}
 * (keep going until killed). For i = 0, 1, ... it adds the local member {@code <prefix>-<i>}
 * through {@link RegistryStore#update} and, only after that call has returned, prints {@code
 * committed <i+1>} and flushes. So every line the parent has read names a member that is already
 * stored.
 *
 * <p>With {@code gated}, the writer first warms up (loads the store and codec classes, reads the
 * registry without locking), prints {@code ready} and waits for a line on stdin before its first
 * update; the parent can so start the next writer's JVM while it still checks the previous one.
 *
 * <p>When the parent goes away (stdin reaches end of file) the writer halts, so a crashed test run
 * leaves no writer behind.
 */
public final class RegistryWriterMain {
    private RegistryWriterMain() {
    }

    public static void main(String[] args) throws IOException {
        boolean gated = args.length == 4 && "gated".equals(args[3]);
        if (args.length != 3 && !gated) {
            System.err.println("usage: RegistryWriterMain <dataDir> <prefix> <count|loop> [gated]");
            System.exit(2);
        }
        String prefix = args[1];
        long count = "loop".equals(args[2]) ? Long.MAX_VALUE : Long.parseLong(args[2]);

        RegistryCodec codec = new RegistryCodec(new ObjectMapper());
        RegistryStore store = new RegistryStore(new DataDir(Path.of(args[0])).ensureExists(), codec);
        PrintStream out = System.out;
        if (gated) {
            codec.write(Registry.empty().with(member(prefix + "-warm-up"))); // never stored
            store.read();
            out.println("ready");
            out.flush();
            if (!awaitGo()) {
                Runtime.getRuntime().halt(3); // parent gone before the start signal
            }
        }
        startOrphanWatchdog();
        for (long i = 0; i < count; i++) {
            Member member = member(prefix + "-" + i);
            store.update(r -> r.with(member));
            out.println("committed " + (i + 1));
            out.flush();
        }
    }

    static Member member(String name) {
        return Member.builder()
                .id(UUID.randomUUID().toString())
                .friendlyName(name)
                .agentType(AgentType.LOCAL)
                .workFolder("/tmp/" + name)
                .createdAt(Instant.now())
                .build();
    }

    /** Reads stdin up to the end of the first line; false at end of file. Unbuffered: the watchdog reads on. */
    private static boolean awaitGo() throws IOException {
        int b;
        while ((b = System.in.read()) != -1) {
            if (b == '\n') {
                return true;
            }
        }
        return false;
    }

    private static void startOrphanWatchdog() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // ignore input; only end of file matters
                }
            } catch (IOException ignored) {
                // parent gone as well
            }
            Runtime.getRuntime().halt(3);
        }, "orphan-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
