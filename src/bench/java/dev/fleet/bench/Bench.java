package dev.fleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark runner for the fleet MCP server (not a test: run it with {@code bench/run}).
 *
 * <p>Local section: cold start (to the initialize and tools/list responses), idle RSS, the round
 * trip of {@code execute_command echo hi} on a local member and {@code fleet_status} over 1 and 20
 * local members. SSH section ({@link SshBench}): the same against remote members on a throwaway
 * OpenSSH sshd, and {@code send_files} throughput against scp and sftp. The machine it runs on is
 * shared and noisy, so every figure is paired with a baseline measured in the same run, interleaved
 * with the measured calls, and the ratio is printed.
 *
 * <p>Options: {@code --only=local|ssh|all} (default all), {@code --cold-runs=N} (default 12),
 * {@code --exec-calls=N} (default 60), {@code --exec-warm-calls=N} (default 2000: L1's warm figures are taken
 * once the server has served that many calls), {@code --status-calls=N} (default 15), {@code --repo=PATH}
 * (default: the working directory), and the SSH section's options (see {@link SshBench}).
 */
public final class Bench {
    /** Longest wait for any single response or process. */
    static final long WAIT_MS = 30_000;
    /** The warm-up may have to build the jar first. */
    static final long BUILD_WAIT_MS = 5 * 60_000;
    /** The whole run is abandoned after this long, whatever it is doing. */
    private static final long WATCHDOG_MS = 25 * 60_000;
    /** Things outside this JVM's process tree to undo on any exit (a daemonized sshd, an ssh master). */
    private static final List<Runnable> CLEANUPS = new CopyOnWriteArrayList<>();
    private static final String USAGE = "usage: bench/run [--only=local|ssh|all] [--cold-runs=N] [--exec-calls=N] [--exec-warm-calls=N] "
            + "[--status-calls=N] [--repo=PATH] [--sections=L1,S3,...]\n                 " + SshBench.USAGE;
    private static final String INIT_REQUEST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fleet-bench\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    private static final String EOF = "\u0000EOF";

    // Targets and the original TypeScript server's figures.
    private static final double TARGET_COLD_MS = 500, TS_COLD_MS = 610;
    private static final double TARGET_RSS_MB = 80, TS_RSS_MB = 78;
    private static final double TARGET_STATUS_MS = 200, TS_STATUS_MS = 670;

    final Path repo;
    private final Path launcher;
    private final String javaBin;
    private final Path testClasses;
    private final int coldRuns;
    private final int execCalls;
    /** L1's warm figures are taken once the server has served this many calls. */
    private final int execWarmCalls;
    private final int statusCalls;
    private final String only;
    /** Sections that {@code --sections} names (empty: all); the figures of issue 13 one at a time on a shared machine. */
    private static final List<String> SECTIONS = List.of("COLD", "L1", "L3", "STATUS", "5A", "5C", "S1", "S2", "S3", "S5", "S6", "S7");
    private final Set<String> sections;
    private final Map<String, String> opts;
    final ObjectMapper json = new ObjectMapper();
    private final List<Path> tempDirs = Collections.synchronizedList(new ArrayList<>());
    final List<String> notes = new ArrayList<>();
    final List<Row> summary = new ArrayList<>();

    private Bench(Map<String, String> opts) {
        this.repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        this.launcher = repo.resolve("fleet");
        String javaHome = System.getenv("JAVA_HOME");
        // The same java the launcher uses: $JAVA_HOME/bin/java, else java on PATH.
        this.javaBin = javaHome != null && !javaHome.isEmpty() ? Path.of(javaHome, "bin", "java").toString() : "java";
        this.testClasses = ownClassesDir();
        this.coldRuns = Math.max(10, intOpt(opts, "cold-runs", 12));
        this.execCalls = Math.max(50, intOpt(opts, "exec-calls", 60));
        this.execWarmCalls = Math.max(0, intOpt(opts, "exec-warm-calls", 2000));
        this.statusCalls = Math.max(10, intOpt(opts, "status-calls", 15));
        this.only = opts.getOrDefault("only", "all");
        if (!List.of("local", "ssh", "all").contains(only)) {
            throw new IllegalArgumentException("--only must be local, ssh or all, not " + only);
        }
        this.opts = opts;
        String named = opts.getOrDefault("sections", "");
        this.sections = named.isEmpty() ? Set.of() : Set.of(named.toUpperCase(Locale.ROOT).split(","));
        if (!SECTIONS.containsAll(sections)) {
            throw new IllegalArgumentException("--sections takes a comma-separated list of " + String.join(", ", SECTIONS)
                    + ", not " + named);
        }
    }

    /** Whether the section of that name runs: every one of the chosen part (--only) unless --sections names some. */
    boolean wants(String section) {
        return sections.isEmpty() || sections.contains(section);
    }

    public static void main(String[] args) throws Exception {
        // The SDK and the bench log through slf4j-simple (stderr); keep it to warnings.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // Load the bench's own classes now: a concurrent build may empty target/bench-classes mid-run.
        for (Class<?> c : List.of(Bench.class, SshBench.class)) {
            for (Class<?> nested : c.getDeclaredClasses()) {
                Class.forName(nested.getName(), true, Bench.class.getClassLoader());
            }
        }
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(USAGE);
                return;
            }
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("unknown argument: " + a + " (try --help)");
                System.exit(64);
            }
            opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Bench bench;
        try {
            bench = new Bench(opts);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + " (try --help)");
            System.exit(64);
            return;
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(WATCHDOG_MS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("bench: gave up after " + WATCHDOG_MS / 60_000 + " minutes");
            runCleanups();
            killChildren();
            bench.deleteTempDirs();
            Runtime.getRuntime().halt(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runCleanups();
            killChildren();
        }, "bench-cleanup"));
        int rc;
        try {
            rc = bench.run();
        } finally {
            runCleanups();
            killChildren();
            bench.deleteTempDirs();
        }
        System.out.flush();
        // SDK (reactor) threads may be non-daemon; end explicitly.
        System.exit(rc);
    }

    private int run() throws Exception {
        if (!Files.isExecutable(launcher)) {
            System.err.println("bench: " + launcher + " is missing or not executable (use --repo=PATH)");
            return 2;
        }
        Path jar = repo.resolve("target/fleet.jar");
        FileTime jarBefore = mtime(jar);
        say("Fleet benchmark  " + LocalDate.now() + "  host: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version") + "  load avg: " + loadAverage());
        say("server: " + launcher + " serve   baseline JVM: " + javaBin + "   part: " + only + (sections.isEmpty() ? "" : "   sections: " + String.join(",", sections))
                + (System.getenv("FLEET_JAVA_OPTS") != null ? "   FLEET_JAVA_OPTS=" + System.getenv("FLEET_JAVA_OPTS") : ""));
        say("");

        if (!only.equals("ssh")) {
            if (wants("COLD")) {
                coldStart();
            }
            new LocalTargets(this, execCalls, execWarmCalls).run();
            if (wants("STATUS")) {
                fleetStatus();
            }
        }
        if (!only.equals("local") && Stream.of("5A", "5C", "S1", "S2", "S3", "S5", "S6", "S7").anyMatch(this::wants)) {
            new SshBench(this, opts).run();
        }

        FileTime jarAfter = mtime(jar);
        if (jarBefore == null || !jarBefore.equals(jarAfter)) {
            notes.add("target/fleet.jar changed during the run (the launcher rebuilt it, e.g. after a source edit): "
                    + "figures may include a build; run again");
        }
        printSummary();
        return 0;
    }

    // ---------------------------------------------------------------- 1. cold start + idle RSS

    private void coldStart() throws Exception {
        say("== 1. Cold start: `fleet serve` as a raw subprocess, " + coldRuns + " runs interleaved with a trivial JVM ==");
        Path jsa = repo.resolve("target/fleet.jsa");
        long t0 = System.nanoTime();
        // Untimed warm-up: builds the jar if needed and lets the launcher record the CDS archive at exit.
        // Its stderr is kept so that a failing launcher (e.g. a build error) is reported.
        Path warmDir = newTempDir("warm");
        Path warmErr = warmDir.resolve("stderr.txt");
        try (RawServer warm = RawServer.start(launcherCommand(), envWithDataDir(warmDir.resolve("data")), warmErr)) {
            warm.send(INIT_REQUEST);
            warm.awaitResponse(1, BUILD_WAIT_MS, json);
            warm.send(INITIALIZED);
            warm.send(TOOLS_LIST);
            warm.awaitResponse(2, WAIT_MS, json);
            warm.closeAndWait();
        } catch (RuntimeException e) {
            System.err.println("bench: the warm-up server failed: " + e.getMessage() + "\n--- its stderr (last lines) ---");
            List<String> err = Files.exists(warmErr) ? Files.readAllLines(warmErr) : List.of();
            err.subList(Math.max(0, err.size() - 25), err.size()).forEach(System.err::println);
            throw e;
        }
        say(String.format(Locale.ROOT, "warm-up run: %.0f ms (untimed); CDS archive %s", ms(System.nanoTime() - t0),
                Files.isRegularFile(jsa) ? "present, " + Files.size(jsa) / (1024 * 1024) + " MB" : "MISSING"));
        if (!Files.isRegularFile(jsa) || !mtime(jsa).toInstant().isAfter(mtime(repo.resolve("target/fleet.jar")).toInstant())) {
            notes.add("CDS archive target/fleet.jsa missing or older than the jar after the warm-up: timed runs "
                    + "pay for recording it");
        }

        List<Double> init = new ArrayList<>();
        List<Double> list = new ArrayList<>();
        List<Double> jvm = new ArrayList<>();
        double rssNow = -1;
        double rssLater = -1;
        int toolCount = -1;
        for (int i = 0; i < coldRuns; i++) {
            // Alternate which goes first so neither always follows the other.
            if (i % 2 == 0) {
                jvm.add(helloJvm());
            }
            try (RawServer s = RawServer.start(launcherCommand(), envWithDataDir(newTempDir("cold")), null)) {
                long start = s.startedNanos;
                s.send(INIT_REQUEST);
                JsonNode initResp = s.awaitResponse(1, WAIT_MS, json);
                long tInit = System.nanoTime();
                s.send(INITIALIZED);
                s.send(TOOLS_LIST);
                JsonNode listResp = s.awaitResponse(2, WAIT_MS, json);
                long tList = System.nanoTime();
                if (initResp.path("result").path("serverInfo").path("name").isMissingNode()) {
                    throw new IllegalStateException("initialize returned no serverInfo: " + initResp);
                }
                JsonNode tools = listResp.path("result").path("tools");
                if (!tools.isArray() || tools.size() == 0) {
                    throw new IllegalStateException("tools/list returned no tools: " + listResp);
                }
                toolCount = tools.size();
                init.add(ms(tInit - start));
                list.add(ms(tList - start));
                if (i == coldRuns - 1) {
                    // Idle RSS: right after tools/list, and again after a second of idling.
                    rssNow = vmRssMb(s.process.pid());
                    sleep(1000);
                    rssLater = vmRssMb(s.process.pid());
                }
                s.closeAndWait();
            }
            if (i % 2 == 1) {
                jvm.add(helloJvm());
            }
        }
        double jvmRss = helloJvmRss();

        Stats sInit = Stats.of(init);
        Stats sList = Stats.of(list);
        Stats sJvm = Stats.of(jvm);
        say(String.format(Locale.ROOT, "  %-44s %s", "fleet serve -> initialize response", sInit.brief()));
        say(String.format(Locale.ROOT, "  %-44s %s   (%d tools)", "fleet serve -> tools/list response", sList.brief(), toolCount));
        say(String.format(Locale.ROOT, "  %-44s %s", "baseline: trivial JVM (hello-world main)", sJvm.brief()));
        say(String.format(Locale.ROOT, "  ratio tools/list / baseline JVM: %.2fx   (initialize / baseline: %.2fx)",
                sList.median / sJvm.median, sInit.median / sJvm.median));
        say("  all tools/list times (ms): " + sList.all());
        say("");
        say("== 2. Idle RSS (VmRSS of the server JVM, last cold run) ==");
        say(String.format(Locale.ROOT, "  right after tools/list: %.1f MB   after 1 s idle: %.1f MB", rssNow, rssLater));
        say(String.format(Locale.ROOT, "  baseline: trivial JVM waiting on stdin: %.1f MB   ratio: %.2fx", jvmRss,
                rssLater / jvmRss));
        say("");

        summary.add(new Row("cold start to tools/list (median)", sList.median, "ms", sJvm.median, "trivial JVM",
                TARGET_COLD_MS, TS_COLD_MS));
        summary.add(new Row("idle RSS (after 1 s idle)", rssLater, "MB", jvmRss, "trivial JVM", TARGET_RSS_MB, TS_RSS_MB));
    }

    List<String> launcherCommand() {
        // The in-process server: RelayBench measures the relay against it.
        return List.of(launcher.toString(), "serve", "--standalone");
    }

    /** Time until a hello-world JVM's first line arrives (the process then exits). */
    private double helloJvm() throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(javaBin, "-cp", testClasses.toString(), Hello.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (RawServer s = RawServer.attach(p, start)) {
            String line = s.awaitLine(WAIT_MS);
            long t = System.nanoTime();
            if (!"hello".equals(line)) {
                throw new IllegalStateException("hello-world JVM printed " + line);
            }
            s.closeAndWait();
            return ms(t - start);
        }
    }

    /** RSS of a hello-world JVM that waits on stdin: what an idle JVM costs at all. */
    private double helloJvmRss() throws Exception {
        Process p = new ProcessBuilder(javaBin, "-cp", testClasses.toString(), Hello.class.getName(), "--wait")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (RawServer s = RawServer.attach(p, System.nanoTime())) {
            s.awaitLine(WAIT_MS);
            sleep(1000);
            double rss = vmRssMb(p.pid());
            s.closeAndWait();
            return rss;
        }
    }

    // ---------------------------------------------------------------- 4. fleet_status

    private void fleetStatus() throws Exception {
        int members = 20;
        say("== 4. fleet_status over " + members + " local members vs over 1 (two servers, calls interleaved, "
                + statusCalls + " timed calls each after 3 warm-ups) ==");
        Path dataOne = newTempDir("status1-data");
        Path dataMany = newTempDir("status20-data");
        try (McpSyncClient one = sdkClient(dataOne); McpSyncClient many = sdkClient(dataMany)) {
            register(one, "solo", newTempDir("status1-member"));
            long r0 = System.nanoTime();
            for (int i = 0; i < members; i++) {
                register(many, "m" + i, newTempDir("status20-member" + i));
            }
            double perRegistration = ms(System.nanoTime() - r0) / members;
            List<Double> tOne = new ArrayList<>();
            List<Double> tMany = new ArrayList<>();
            for (int i = 0; i < 3 + statusCalls; i++) {
                double a = statusCall(one, 1);
                double b = statusCall(many, members);
                if (i >= 3) {
                    tOne.add(a);
                    tMany.add(b);
                }
            }
            Stats sOne = Stats.of(tOne);
            Stats sMany = Stats.of(tMany);
            say(String.format(Locale.ROOT, "  %-44s %s", "fleet_status, " + members + " members", sMany.brief()));
            say(String.format(Locale.ROOT, "  %-44s %s", "fleet_status, 1 member", sOne.brief()));
            say(String.format(Locale.ROOT, "  ratio %d members / 1 member: %.2fx (median)", members, sMany.median / sOne.median));
            say(String.format(Locale.ROOT, "  (register_member, local: %.0f ms per call on average)", perRegistration));
            say("");
            summary.add(new Row("fleet_status, 20 local members (median)", sMany.median, "ms", sOne.median,
                    "fleet_status, 1 member", TARGET_STATUS_MS, TS_STATUS_MS));
        }
    }

    static double statusCall(McpSyncClient client, int expected) {
        long t0 = System.nanoTime();
        McpSchema.CallToolResult r = client.callTool(call("fleet_status", Map.of("format", "compact")));
        long t1 = System.nanoTime();
        String text = text(r);
        String want = "Fleet: " + expected + " member" + (expected == 1 ? "" : "s") + ", " + expected + " online";
        if (Boolean.TRUE.equals(r.isError()) || !text.startsWith(want)) {
            throw new IllegalStateException("fleet_status: expected '" + want + "...', got: " + text);
        }
        return ms(t1 - t0);
    }

    // ---------------------------------------------------------------- MCP SDK client helpers

    McpSyncClient sdkClient(Path dataDir) {
        return sdkClient(dataDir, WAIT_MS, WAIT_MS);
    }

    /** A server with its own data folder, initialized; {@code requestTimeoutMs} bounds every tool call. */
    McpSyncClient sdkClient(Path dataDir, long requestTimeoutMs, long initTimeoutMs) {
        ServerParameters params = ServerParameters.builder(launcher.toString())
                .args("serve", "--standalone")
                .env(envWithDataDir(dataDir))
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper()));
        transport.setStdErrorHandler(line -> { });
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofMillis(requestTimeoutMs))
                .initializationTimeout(Duration.ofMillis(initTimeoutMs))
                .build();
        try {
            client.initialize();
            List<McpSchema.Tool> tools = client.listTools().tools();
            if (tools.stream().noneMatch(t -> t.name().equals("execute_command"))) {
                throw new IllegalStateException("server lists no execute_command tool");
            }
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private static void register(McpSyncClient client, String name, Path folder) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("friendly_name", name);
        args.put("member_type", "local");
        args.put("work_folder", folder.toString());
        McpSchema.CallToolResult r = client.callTool(call("register_member", args));
        if (Boolean.TRUE.equals(r.isError())) {
            throw new IllegalStateException("register_member " + name + " failed: " + text(r));
        }
    }

    static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
    }

    static String text(McpSchema.CallToolResult r) {
        StringBuilder sb = new StringBuilder();
        for (McpSchema.Content c : r.content()) {
            if (c instanceof McpSchema.TextContent t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** RSS of the (only) java server started by an SDK client, found among this JVM's children. */
    static double serverRss() {
        return ProcessHandle.current().children()
                .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                .mapToDouble(h -> vmRssMb(h.pid()))
                .max().orElse(-1);
    }

    // ---------------------------------------------------------------- summary

    private void printSummary() {
        say("== Summary (targets, and the original TypeScript server for reference) ==");
        String fmt = "  %-42s %10s  %-32s %7s  %10s  %-4s %9s%n";
        System.out.printf(Locale.ROOT, fmt, "metric", "measured", "baseline (same run)", "ratio", "target", "met", "TS server");
        for (Row r : summary) {
            double ratio = r.value / r.baseline;
            String target = switch (r.goal) {
                case AT_MOST -> "<= " + num(r.target, r.unit);
                case RATIO_AT_MOST -> "<= " + factor(r.target);
                case RATIO_AT_LEAST -> ">= " + factor(r.target);
                case NONE -> "-";
            };
            String met = switch (r.goal) {
                case AT_MOST -> r.value <= r.target ? "yes" : "NO";
                case RATIO_AT_MOST -> ratio <= r.target ? "yes" : "NO";
                case RATIO_AT_LEAST -> ratio >= r.target ? "yes" : "NO";
                case NONE -> "";
            };
            System.out.printf(Locale.ROOT, fmt, r.metric, num(r.value, r.unit), num(r.baseline, r.unit) + " " + r.baselineName,
                    String.format(Locale.ROOT, "%.2fx", ratio), target, met, Double.isNaN(r.ts) ? "-" : num(r.ts, r.unit));
        }
        say("  load avg at the end: " + loadAverage());
        for (String n : notes) {
            say("  NOTE: " + n);
        }
    }

    /** A target factor as the issue states it: 0.05x stays 0.05x (one decimal printed it as 0.1x), 2x as 2.0x. */
    static String factor(double target) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(target).stripTrailingZeros();
        return (d.scale() < 1 ? d.setScale(1) : d).toPlainString() + "x";
    }

    static String num(double v, String unit) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f %s", v, unit) : String.format(Locale.ROOT, "%.1f %s", v, unit);
    }

    /** How a summary row's target is read: an absolute ceiling, a ceiling or floor on the ratio to the baseline, none. */
    enum Goal { AT_MOST, RATIO_AT_MOST, RATIO_AT_LEAST, NONE }

    record Row(String metric, double value, String unit, double baseline, String baselineName, double target, double ts, Goal goal) {
        Row(String metric, double value, String unit, double baseline, String baselineName, double target, double ts) {
            this(metric, value, unit, baseline, baselineName, target, ts, Goal.AT_MOST);
        }
    }

    record Stats(double median, double min, double max, double p95, List<Double> sorted) {
        static Stats of(List<Double> values) {
            if (values.isEmpty()) {
                throw new IllegalStateException("no samples");
            }
            List<Double> s = new ArrayList<>(values);
            s.sort(Comparator.naturalOrder());
            int n = s.size();
            double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
            double p95 = s.get(Math.max(0, (int) Math.ceil(0.95 * n) - 1));
            return new Stats(median, s.get(0), s.get(n - 1), p95, s);
        }

        String brief() {
            return String.format(Locale.ROOT, "median %7.1f ms  (min %.1f, max %.1f, n=%d)", median, min, max, sorted.size());
        }

        String all() {
            StringBuilder sb = new StringBuilder();
            for (double v : sorted) {
                sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", v));
            }
            return sb.toString();
        }
    }

    // ---------------------------------------------------------------- utilities

    Map<String, String> envWithDataDir(Path dataDir) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("APRA_FLEET_DATA_DIR", dataDir.toString());
        return env;
    }

    Path newTempDir(String label) throws IOException {
        Path d = Files.createTempDirectory("fleet-bench-" + label + "-");
        tempDirs.add(d);
        return d;
    }

    private void deleteTempDirs() {
        for (Path d : new ArrayList<>(tempDirs)) {
            try (Stream<Path> walk = Files.walk(d)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // Best effort: temp files.
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // Best effort.
            }
        }
    }

    /** Registers an undo step run on every exit, also when the watchdog gives up; it must be idempotent and bounded. */
    static void onExit(Runnable cleanup) {
        CLEANUPS.add(cleanup);
    }

    private static void runCleanups() {
        for (Runnable r : CLEANUPS) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.err.println("bench: cleanup failed: " + e);
            }
        }
    }

    /** Ends every process this JVM started that is still running (servers, their commands). */
    private static void killChildren() {
        List<ProcessHandle> all = ProcessHandle.current().descendants().toList();
        all.forEach(ProcessHandle::destroy);
        long deadline = System.currentTimeMillis() + 3000;
        for (ProcessHandle h : all) {
            long left = deadline - System.currentTimeMillis();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.MILLISECONDS);
                } catch (Exception ignored) {
                    // Forced below.
                }
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static double vmRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static Path ownClassesDir() {
        try {
            return Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static int intOpt(Map<String, String> opts, String key, int dflt) {
        String v = opts.get(key);
        return v == null ? dflt : Integer.parseInt(v);
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    /**
     * A child process spoken to with newline-delimited lines: stdout is read by a daemon thread
     * into a queue, so every wait has a timeout.
     */
    static final class RawServer implements AutoCloseable {
        final Process process;
        final long startedNanos;
        private final OutputStream stdin;
        /** Each line of stdout with the moment it was read whole. */
        private final BlockingQueue<Arrived> lines = new LinkedBlockingQueue<>();
        /** When the last response {@link #awaitResponse} returned had arrived. */
        private long lastResponseNanos;

        private record Arrived(String line, long nanos) {
        }

        private RawServer(Process process, long startedNanos) {
            this.process = process;
            this.startedNanos = startedNanos;
            this.stdin = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(new Arrived(line, System.nanoTime()));
                    }
                } catch (IOException ignored) {
                    // Treated as end of output.
                }
                lines.add(new Arrived(EOF, System.nanoTime()));
            }, "bench-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts {@code command}; stderr goes to {@code stderrFile}, or is discarded when it is null. */
        static RawServer start(List<String> command, Map<String, String> env, Path stderrFile) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderrFile == null
                    ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stderrFile.toFile()));
            pb.environment().clear();
            pb.environment().putAll(env);
            long start = System.nanoTime();
            return new RawServer(pb.start(), start);
        }

        static RawServer attach(Process p, long startedNanos) {
            return new RawServer(p, startedNanos);
        }

        private int nextId = 100;

        /** A new server: {@code fleet serve} with its own data folder, initialized; stderr to {@code stderrFile}. */
        static RawServer serve(Bench bench, Path dataDir, Path stderrFile) throws Exception {
            RawServer s = start(bench.launcherCommand(), bench.envWithDataDir(dataDir), stderrFile);
            s.send(INIT_REQUEST);
            s.awaitResponse(1, BUILD_WAIT_MS, bench.json);
            s.send(INITIALIZED);
            s.send(TOOLS_LIST);
            s.awaitResponse(2, WAIT_MS, bench.json);
            return s;
        }

        /** One tools/call; the response's result (content, structuredContent, isError). */
        JsonNode call(String tool, Map<String, Object> args, long timeoutMs, ObjectMapper json) throws Exception {
            int id = nextId++;
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("jsonrpc", "2.0");
            req.put("id", id);
            req.put("method", "tools/call");
            req.put("params", Map.of("name", tool, "arguments", args));
            send(json.writeValueAsString(req));
            return awaitResponse(id, timeoutMs, json).path("result");
        }

        /** Like {@link #call}, failing when the tool reports an error. */
        JsonNode ok(String tool, Map<String, Object> args, long timeoutMs, ObjectMapper json) throws Exception {
            JsonNode r = call(tool, args, timeoutMs, json);
            if (r.path("isError").asBoolean(false)) {
                throw new IllegalStateException(tool + " failed: " + text(r));
            }
            return r;
        }

        static String text(JsonNode result) {
            StringBuilder sb = new StringBuilder();
            result.path("content").forEach(c -> sb.append(c.path("text").asText("")));
            return sb.toString();
        }

        double rssMb() {
            return vmRssMb(process.pid());
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String awaitLine(long timeoutMs) throws InterruptedException {
            return awaitArrival(timeoutMs).line();
        }

        private Arrived awaitArrival(long timeoutMs) throws InterruptedException {
            Arrived line = lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IllegalStateException("no output from pid " + process.pid() + " within " + timeoutMs + " ms");
            }
            if (line.line().equals(EOF)) {
                throw new IllegalStateException("pid " + process.pid() + " closed its stdout (exit code "
                        + (process.isAlive() ? "n/a, still running" : process.exitValue()) + ")");
            }
            return line;
        }

        /**
         * Milliseconds from {@code startNanos} to the moment the last response {@link #awaitResponse} returned
         * had been read whole: the bench's own parsing of it (several milliseconds for a large answer, in a
         * JVM whose JSON code is not compiled yet) is not the server's time.
         */
        double msToLastResponse(long startNanos) {
            return ms(lastResponseNanos - startNanos);
        }

        /** Skips notifications and other lines until the response with this id; bounded by the timeout. */
        JsonNode awaitResponse(int id, long timeoutMs, ObjectMapper json) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            for (int skipped = 0; skipped < 10_000; skipped++) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                Arrived arrived = awaitArrival(left);
                String line = arrived.line();
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (IOException e) {
                    throw new IllegalStateException("server wrote a non-JSON line to stdout: " + line);
                }
                if (node.path("id").asInt(-1) == id) {
                    if (node.has("error")) {
                        throw new IllegalStateException("request " + id + " failed: " + node.get("error"));
                    }
                    lastResponseNanos = arrived.nanos();
                    return node;
                }
            }
            throw new IllegalStateException("no response " + id + " from pid " + process.pid() + " within " + timeoutMs + " ms");
        }

        /** Closes stdin (a clean shutdown), then escalates to SIGTERM and SIGKILL, each bounded. */
        void closeAndWait() throws InterruptedException {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // Already gone.
            }
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                try {
                    closeAndWait();
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The baseline: a trivial JVM. Prints one line; with --wait, then waits for stdin to close. */
    public static final class Hello {
        public static void main(String[] args) throws IOException {
            System.out.println("hello");
            System.out.flush();
            if (args.length > 0 && args[0].equals("--wait")) {
                while (System.in.read() != -1) {
                    // Wait for EOF.
                }
            }
        }
    }
}
