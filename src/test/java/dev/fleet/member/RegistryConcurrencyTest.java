package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's promises, checked across real OS processes: concurrent writers in different JVMs
 * lose no member, a writer killed with SIGKILL at any instant leaves a registry that still parses
 * and still holds everything it had confirmed, and the next writer is not blocked by its leftovers.
 */
class RegistryConcurrencyTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** JVM options of every writer child; {@link #prepareChildJvm} may add a class-data archive. */
    private static final List<String> childJvm = new ArrayList<>(
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx64m"));
    /** The children's class path; see {@link #prepareChildJvm}. */
    private static String childClassPath;

    @TempDir
    Path logs;

    private final List<Child> children = new CopyOnWriteArrayList<>();
    private final ExecutorService bounded = Executors.newCachedThreadPool(daemonThreads("registry-test"));

    /**
     * Packs the class folders (target/classes, target/test-classes) of this JVM's class path into
     * private jars, so that the children load the very classes under test even if a build run
     * alongside cleans or recompiles {@code target}; jars of dependencies are used where they are.
     * Then records a class-data-sharing archive with one writer run, which roughly halves the CPU
     * each later writer JVM spends starting (the kill test starts fifty). Without the archive the
     * children merely start slower.
     */
    @BeforeAll
    static void prepareChildJvm(@TempDir Path snapshot) throws Exception {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            entries.add(Files.isDirectory(source)
                    ? jar(source, snapshot.resolve("classes" + entries.size() + ".jar")).toString()
                    : entry);
        }
        childClassPath = String.join(File.pathSeparator, entries);

        Path archive = snapshot.resolve("writer.jsa");
        List<String> dump = new ArrayList<>(List.of(JAVA, "-XX:ArchiveClassesAtExit=" + archive));
        dump.addAll(childJvm);
        dump.addAll(List.of("-cp", childClassPath, RegistryWriterMain.class.getName(),
                snapshot.resolve("warm-up-data").toString(), "warm-up", "2"));
        Process p = new ProcessBuilder(dump)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(snapshot.resolve("warm-up.stderr").toFile())
                .start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String stderr = Files.readString(snapshot.resolve("warm-up.stderr"));
        assertThat(stderr).as("stderr of the warm-up writer").doesNotContain("ClassNotFoundException");
        if (exited && p.exitValue() == 0 && Files.isRegularFile(archive)) {
            childJvm.add("-XX:SharedArchiveFile=" + archive);
        }
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> tree = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) tree.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    @AfterEach
    void killLeftoverChildren() throws InterruptedException {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
        for (Child c : children) {
            c.process.waitFor(10, TimeUnit.SECONDS);
        }
        bounded.shutdownNow();
    }

    /** Four JVMs adding 250 members each at the same time: all 1000 are kept, in each writer's order. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentWriterProcessesLoseNoMember(@TempDir Path data) throws Exception {
        int writers = 4;
        int perWriter = 250;
        RegistryStore store = store(data);
        Path registryFile = new DataDir(data).registryFile();

        List<Child> started = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            started.add(start(data, "w" + w, Integer.toString(perWriter), false));
        }

        // While they write, a reader in this JVM must always see a whole registry, never shrinking.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int reads = 0;
        int lastSize = 0;
        while (started.stream().anyMatch(c -> c.process.isAlive())) {
            if (System.nanoTime() > deadline) {
                fail("writers did not finish within 120 s; committed so far: " + committedCounts(started)
                        + stderrOf(started));
            }
            Registry seen = store.read(); // throws if a reader ever sees a partly written file
            assertThat(seen.members().size())
                    .as("a concurrent reader saw the registry shrink (lost members)")
                    .isGreaterThanOrEqualTo(lastSize);
            lastSize = seen.members().size();
            reads++;
            Thread.sleep(20);
        }

        for (Child c : started) {
            assertThat(c.process.exitValue()).as("exit code of writer %s%s", c.prefix, stderrOf(List.of(c))).isZero();
            c.reader.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(c.committed.get()).as("updates confirmed by writer %s", c.prefix).isEqualTo(perWriter);
            assertThat(c.unexpectedOutput).as("unexpected stdout of writer %s", c.prefix).isEmpty();
        }

        Registry registry = new RegistryCodec(new ObjectMapper()).parse(Files.readAllBytes(registryFile));
        List<String> names = names(registry);
        assertThat(names).as("members after %d concurrent writers x %d updates", writers, perWriter)
                .hasSize(writers * perWriter);
        assertThat(new HashSet<>(names)).as("distinct names").hasSize(writers * perWriter);
        assertThat(registry.members().stream().map(Member::id).distinct().count()).as("distinct ids")
                .isEqualTo(writers * perWriter);
        for (int w = 0; w < writers; w++) {
            assertThat(namesWithPrefix(registry, "w" + w))
                    .as("members of writer w%d, in the order it added them", w)
                    .containsExactlyElementsOf(expectedNames("w" + w, perWriter));
        }
        assertThat(store.read()).as("read through the store").isEqualTo(registry);
        assertThat(temporaries(data)).as("temporary files left after clean exits").isEmpty();
        assertPrivate(registryFile);
        System.out.printf("concurrent writers: %d members, %d concurrent reads all whole%n", names.size(), reads);
    }

    /**
     * Fifty times: a writer is SIGKILLed at a random moment. The registry must still parse, keep
     * every member the writer had confirmed and every member from before, and accept the next update.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void writerKilledAtAnyMomentLeavesAWholeRegistry(@TempDir Path data) throws Exception {
        int trials = 50;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        RegistryStore store = store(data);
        Path registryFile = new DataDir(data).registryFile();
        Set<String> kept = new HashSet<>();
        int killedWithTemporaryLeft = 0;
        int killedAfterUnconfirmedCommit = 0;

        // Each writer's JVM is started while the previous trial runs and waits, warmed up, for "go".
        Child next = start(data, "t0", "loop", true);
        for (int t = 0; t < trials; t++) {
            String prefix = "t" + t;
            String context = "trial " + t + " (seed " + seed + ")";
            int target = 1 + random.nextInt(20);
            Child child = next;
            child.go();
            next = t + 1 < trials ? start(data, "t" + (t + 1), "loop", true) : null;

            if (!child.awaitCommitted(target, 30, TimeUnit.SECONDS)) {
                fail(context + ": writer confirmed only " + child.committed.get() + " of " + target
                        + " updates in 30 s (alive: " + child.process.isAlive() + ")" + stderrOf(List.of(child)));
            }
            Thread.sleep(random.nextInt(31));
            int confirmed = child.committed.get(); // read before the kill: these members must survive
            child.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertThat(child.process.waitFor(10, TimeUnit.SECONDS)).as(context + ": killed writer exited").isTrue();
            assertThat(confirmed).as(context + ": confirmed count").isGreaterThanOrEqualTo(target);

            if (!temporaries(data).isEmpty()) {
                killedWithTemporaryLeft++;
            }
            Registry registry = store.read(); // RegistryCodec.parse; throws RegistryException if corrupt
            List<String> names = names(registry);
            assertThat(new HashSet<>(names)).as(context + ": no member stored twice").hasSize(names.size());
            assertThat(names).as(context + ": members of earlier trials").containsAll(kept);
            List<String> mine = namesWithPrefix(registry, prefix);
            assertThat(mine.size()).as(context + ": members stored vs. confirmed before SIGKILL")
                    .isGreaterThanOrEqualTo(confirmed);
            assertThat(mine).as(context + ": the killed writer's members, without gaps, in order")
                    .containsExactlyElementsOf(expectedNames(prefix, mine.size()));
            if (mine.size() > confirmed) {
                killedAfterUnconfirmedCommit++;
            }
            kept.addAll(mine);

            // The next writer must not be blocked by the dead one's lock or temporary files.
            String probe = "probe-" + t;
            Registry after = within(10, () -> store.update(r -> r.with(RegistryWriterMain.member(probe))),
                    context + ": update after the kill");
            assertThat(names(after)).as(context + ": registry returned by the update").contains(probe).containsAll(kept);
            assertThat(names(store.read())).as(context + ": registry on disk after the update")
                    .contains(probe).hasSize(kept.size() + 1);
            kept.add(probe);
            assertThat(temporaries(data)).as(context + ": temporary files after the next update").isEmpty();
        }

        assertPrivate(registryFile);
        System.out.printf("kill trials: %d, members kept: %d, kills that left a temporary: %d,"
                        + " kills after a commit not yet confirmed: %d (seed %d)%n",
                trials, kept.size(), killedWithTemporaryLeft, killedAfterUnconfirmedCommit, seed);
    }

    /** Eight threads of one JVM sharing one store: 800 updates, 800 members. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentThreadsInOneProcessLoseNoMember(@TempDir Path data) throws Exception {
        int threads = 8;
        int perThread = 100;
        RegistryStore store = store(data);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            String prefix = "thread" + w;
            writers.add(bounded.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    String name = prefix + "-" + i;
                    Registry stored = store.update(r -> r.with(RegistryWriterMain.member(name)));
                    if (stored.byName(name).isEmpty()) {
                        throw new AssertionError("update did not return the member it added: " + name);
                    }
                }
                return null;
            }));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Future<Integer> reader = bounded.submit(() -> {
            int lastSize = 0;
            int reads = 0;
            try {
                while (writing.get()) {
                    int size = store.read().members().size();
                    if (size < lastSize) {
                        throw new AssertionError("registry shrank from " + lastSize + " to " + size);
                    }
                    lastSize = size;
                    reads++;
                    Thread.sleep(5);
                }
            } catch (Throwable e) {
                readerFailure.set(e);
            }
            return reads;
        });

        go.countDown();
        for (Future<?> f : writers) {
            f.get(45, TimeUnit.SECONDS);
        }
        writing.set(false);
        reader.get(10, TimeUnit.SECONDS);
        assertThat(readerFailure.get()).as("concurrent reader").isNull();

        Registry registry = store.read();
        List<String> names = names(registry);
        assertThat(names).hasSize(threads * perThread);
        assertThat(new HashSet<>(names)).as("distinct names").hasSize(threads * perThread);
        for (int w = 0; w < threads; w++) {
            assertThat(namesWithPrefix(registry, "thread" + w)).as("members of thread %d, in its order", w)
                    .containsExactlyElementsOf(expectedNames("thread" + w, perThread));
        }
        assertThat(temporaries(data)).isEmpty();
        assertPrivate(new DataDir(data).registryFile());
    }

    // ---------------------------------------------------------------- helpers

    private static RegistryStore store(Path data) {
        return new RegistryStore(new DataDir(data).ensureExists(), new RegistryCodec(new ObjectMapper()));
    }

    /**
     * Starts {@link RegistryWriterMain} in a new JVM; its stdout is read on a daemon thread. A gated
     * writer warms up and then waits for {@link Child#go()} before its first update.
     */
    private Child start(Path data, String prefix, String count, boolean gated) throws IOException {
        Path stderr = logs.resolve(prefix + ".stderr");
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(childJvm);
        command.addAll(List.of("-cp", childClassPath, RegistryWriterMain.class.getName(),
                data.toString(), prefix, count));
        if (gated) {
            command.add("gated");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        Child child = new Child(prefix, pb.start(), stderr);
        children.add(child);
        child.reader.start();
        return child;
    }

    private static final class Child {
        final String prefix;
        final Process process;
        final Path stderr;
        final AtomicInteger committed = new AtomicInteger();
        final List<String> unexpectedOutput = new CopyOnWriteArrayList<>();
        final Thread reader;

        Child(String prefix, Process process, Path stderr) {
            this.prefix = prefix;
            this.process = process;
            this.stderr = stderr;
            this.reader = new Thread(this::readStdout, "stdout-" + prefix);
            this.reader.setDaemon(true);
        }

        private void readStdout() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("ready")) {
                        continue;
                    }
                    if (line.startsWith("committed ")) {
                        committed.set(Integer.parseInt(line.substring("committed ".length()).trim()));
                    } else {
                        unexpectedOutput.add(line);
                    }
                    synchronized (this) {
                        notifyAll();
                    }
                }
            } catch (IOException | NumberFormatException e) {
                unexpectedOutput.add("reader: " + e);
            } finally {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        /** Lets a gated writer start updating. */
        void go() throws IOException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }

        /** True once the writer has confirmed {@code target} updates; false on timeout or if it ended first. */
        synchronized boolean awaitCommitted(int target, long timeout, TimeUnit unit) throws InterruptedException {
            long end = System.nanoTime() + unit.toNanos(timeout);
            while (committed.get() < target) {
                long left = end - System.nanoTime();
                if (left <= 0 || !reader.isAlive()) {
                    return committed.get() >= target;
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }
    }

    /** Runs {@code action} on another thread and fails instead of hanging if it takes too long. */
    private <T> T within(long seconds, Callable<T> action, String what) throws Exception {
        Future<T> f = bounded.submit(action);
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return fail(what + " did not finish within " + seconds + " s (registry lock still held?)");
        }
    }

    private static List<String> names(Registry registry) {
        return registry.members().stream().map(Member::friendlyName).toList();
    }

    private static List<String> namesWithPrefix(Registry registry, String prefix) {
        return registry.members().stream().map(Member::friendlyName).filter(n -> n.startsWith(prefix + "-")).toList();
    }

    private static List<String> expectedNames(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static List<Path> temporaries(Path data) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(data, "*.tmp")) {
            dir.forEach(found::add);
        }
        return found;
    }

    private static void assertPrivate(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix == null) {
            return; // not a POSIX file system: there is no mode to check
        }
        assertThat(PosixFilePermissions.toString(posix.readAttributes().permissions()))
                .as("mode of %s", file.getFileName()).isEqualTo("rw-------");
    }

    private static String committedCounts(List<Child> started) {
        return started.stream().map(c -> c.prefix + "=" + c.committed.get()).collect(Collectors.joining(", "));
    }

    private static String stderrOf(List<Child> started) {
        StringBuilder sb = new StringBuilder();
        for (Child c : started) {
            try {
                String err = Files.exists(c.stderr) ? Files.readString(c.stderr) : "";
                if (!err.isBlank()) {
                    sb.append("\n--- stderr of ").append(c.prefix).append(" ---\n").append(err);
                }
            } catch (IOException e) {
                sb.append("\n(cannot read stderr of ").append(c.prefix).append(": ").append(e).append(')');
            }
        }
        return sb.toString();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
