package dev.fleet.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The relay against today's standalone server, measured in the same run and interleaved: time
 * from starting {@code ./fleet serve} to the {@code tools/list} answer and to the answer of a first
 * tool call sent after it (standalone; relay with the daemon running; relay that must start the
 * daemon, with the record of a daemon's first answers a previous session left and without one,
 * as after an upgrade) and the resident memory of the process the MCP client starts. A main, not
 * a test: run it with {@code bench/relay [--runs=N]}. Linux only (reads /proc for RSS).
 */
public final class RelayBench {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    private static final String FIRST_CALL = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"list_members\",\"arguments\":{}}}";
    private static final long LIMIT_MS = 120_000;
    /**
     * Quiet time before every timed start: each begins on a machine where the process before it
     * (the last relay, the server, or the stopped daemon and the `daemon stop` command) has ended
     * and settled, so no row pays for another's exit.
     */
    private static final long SETTLE_MS = 300;

    private final Path repo;
    private final Path launcher;
    private final Map<String, String> env;

    private RelayBench(Path repo, Path scratch) {
        this.repo = repo;
        this.launcher = repo.resolve("fleet").toAbsolutePath();
        this.env = new LinkedHashMap<>(System.getenv());
        env.put("HOME", scratch.resolve("home").toString());
        env.put("APRA_FLEET_DATA_DIR", scratch.resolve("data").toString());
        env.remove("FLEET_STANDALONE");
    }

    /** One start of the server the way an MCP client starts it: its first answers, from process start. */
    record Start(double toolsListMs, double firstCallMs, double rssMb) {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(".");
        int runs = 8;
        for (String a : args) {
            if (a.startsWith("--repo=")) {
                repo = Path.of(a.substring(7));
            } else if (a.startsWith("--runs=")) {
                runs = Integer.parseInt(a.substring(7));
            } else {
                System.err.println("usage: RelayBench [--repo=PATH] [--runs=N]");
                System.exit(2);
            }
        }
        Path scratch = Files.createTempDirectory("fleet-relay-bench");
        Files.createDirectories(scratch.resolve("home"));
        RelayBench bench = new RelayBench(repo, scratch);
        try {
            bench.run(runs);
        } finally {
            bench.stopDaemon();
        }
    }

    private void run(int runs) throws Exception {
        // The standalone server and the daemon map archives recorded the same way, by the untimed
        // starts below (an empty registry): one recorded elsewhere (bench S1-S3 record the
        // server's with a remote member, MINA's classes and all) maps more and starts at another
        // speed, and the comparison would measure the archives, not the relay.
        for (String archive : List.of("fleet.jsa", "fleet-daemon.jsa")) {
            Files.deleteIfExists(repo.resolve("target").resolve(archive));
        }
        // Untimed first starts record each class-data archive (server, relay, daemon) and warm the page cache.
        start(List.of("serve", "--standalone"));
        stopDaemon();
        start(List.of("serve"));
        awaitRelayArchive();
        stopDaemon();
        awaitDaemonArchive();
        List<Start> standalone = new ArrayList<>();
        List<Start> warm = new ArrayList<>();
        List<Start> cold = new ArrayList<>();
        List<Start> coldUnrecorded = new ArrayList<>();
        Path record = Path.of(env.get("APRA_FLEET_DATA_DIR")).resolve("relay-welcome-2025-06-18"); // the version INIT asks for
        for (int i = 0; i < runs; i++) {
            standalone.add(start(List.of("serve", "--standalone")));
            stopDaemon();
            cold.add(start(List.of("serve")));
            warm.add(start(List.of("serve")));
            stopDaemon();
            Files.deleteIfExists(record);
            coldUnrecorded.add(start(List.of("serve")));
        }
        double base = median(standalone, Start::toolsListMs);
        double callBase = median(standalone, Start::firstCallMs);
        System.out.printf(Locale.ROOT, "RelayBench: %d runs each, interleaved; load average %s%n", runs,
                Files.readString(Path.of("/proc/loadavg")).strip());
        row("standalone server (today)", standalone, base, callBase);
        row("relay, daemon running", warm, base, callBase);
        row("relay, daemon started by it", cold, base, callBase);
        row("  the same, no record (upgrade)", coldUnrecorded, base, callBase);
    }

    /** The launcher makes the relay's archive in the background after its first start: time only relays that map it. */
    private void awaitRelayArchive() throws InterruptedException, IOException {
        Path archive = repo.resolve("target/fleet-relay.jsa");
        Path jar = repo.resolve("target/fleet-relay.jar");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.isRegularFile(archive)
                && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0)) {
            if (System.nanoTime() > deadline) {
                System.out.println("note: no relay class-data archive (target/fleet-relay.jsa) 30 s after the first relay start");
                return;
            }
            Thread.sleep(100);
        }
    }

    /** The daemon records its archive as its JVM ends, which may be after `daemon stop` returned. */
    private void awaitDaemonArchive() throws InterruptedException, IOException {
        Path archive = repo.resolve("target/fleet-daemon.jsa");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long size = -1;
        while (true) {
            long now = Files.isRegularFile(archive) ? Files.size(archive) : -1;
            if (now > 0 && now == size) {
                return; // written, and no longer growing
            }
            if (System.nanoTime() > deadline) {
                System.out.println("note: no daemon class-data archive (target/fleet-daemon.jsa) 30 s after the daemon stopped");
                return;
            }
            size = now;
            Thread.sleep(250);
        }
    }

    private static void row(String name, List<Start> starts, double base, double callBase) {
        double ms = median(starts, Start::toolsListMs);
        double call = median(starts, Start::firstCallMs);
        System.out.printf(Locale.ROOT, "  %-32s tools/list %7.1f ms (min %.1f) %.2fx standalone   first call %7.1f ms %.2fx"
                        + "   RSS %5.1f MB%n",
                name, ms, starts.stream().mapToDouble(Start::toolsListMs).min().orElse(0), ms / base, call, call / callBase,
                median(starts, Start::rssMb));
    }

    private static double median(List<Start> starts, java.util.function.ToDoubleFunction<Start> f) {
        List<Double> v = new ArrayList<>(starts.stream().map(f::applyAsDouble).toList());
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    private Start start(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        Thread.sleep(SETTLE_MS);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            OutputStream in = p.getOutputStream();
            in.write((INIT + "\n" + INITIALIZED + "\n" + TOOLS_LIST + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            awaitAnswer(out, "\"id\":2", "tools/list", t0);
            double ms = (System.nanoTime() - t0) / 1e6;
            // A client's first call comes after the tool list; for a relay answering from its
            // record, this is where the daemon's start shows.
            in.write((FIRST_CALL + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitAnswer(out, "\"id\":3", "the first tools/call", t0);
            double callMs = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(300); // let the process settle before reading its memory
            return new Start(ms, callMs, rssMb(p.pid()));
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void awaitAnswer(BufferedReader out, String id, String what, long t0) throws IOException {
        String line;
        while ((line = out.readLine()) != null && !line.contains(id)) {
            if (System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(LIMIT_MS)) {
                throw new IllegalStateException("no answer to " + what + " within " + LIMIT_MS + " ms");
            }
        }
        if (line == null) {
            throw new IllegalStateException("the server ended before answering " + what);
        }
    }

    private static double rssMb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** Stops the daemon and waits until its process has ended, not only until it released its lock. */
    private void stopDaemon() throws Exception {
        java.util.Optional<ProcessHandle> daemon = daemonProcess();
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "daemon", "stop")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (daemon.isPresent()) {
            daemon.get().onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** The daemon's process, from the pid its lock file names, if it runs. */
    private java.util.Optional<ProcessHandle> daemonProcess() throws IOException {
        Path lock = Path.of(env.get("APRA_FLEET_DATA_DIR")).resolve("daemon.lock");
        if (!Files.isRegularFile(lock)) {
            return java.util.Optional.empty();
        }
        for (String l : Files.readAllLines(lock)) {
            if (l.startsWith("pid ")) {
                return ProcessHandle.of(Long.parseLong(l.substring(4).strip())).filter(ProcessHandle::isAlive);
            }
        }
        return java.util.Optional.empty();
    }
}
