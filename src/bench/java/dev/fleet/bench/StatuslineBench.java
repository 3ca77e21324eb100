package dev.fleet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of {@code fleet statusline} (not a test: run it with {@code bench/statusline}), the
 * command Claude Code runs for every status line refresh. It is started the way Claude Code starts
 * it: through the {@code ./fleet} launcher, the session JSON piped on stdin, timed until the process
 * exits. Interleaved with two baselines measured in the same run: a trivial JVM (hello world, the
 * floor of any Java command) and {@code cat} of the same file (the floor of any process).
 *
 * <p>Options: {@code --runs=N} (default 30, after 3 untimed warm-ups), {@code --repo=PATH}
 * (default: the working directory).
 */
public final class StatuslineBench {
    private static final double TARGET_MS = 100;
    private static final long WAIT_MS = 30_000;
    private static final String SESSION_JSON = "{\"session_id\":\"bench\",\"model\":{\"id\":\"claude\",\"display_name\":\"Claude\"},"
            + "\"workspace\":{\"current_dir\":\"/tmp\"}}";

    private StatuslineBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("usage: bench/statusline [--runs=N] [--repo=PATH]");
                System.exit(64);
            }
            opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        int runs = Integer.parseInt(opts.getOrDefault("runs", "30"));
        Path repo = Path.of(opts.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("fleet-statusline-bench");
        try {
            Path line = data.resolve("statusline.txt");
            Files.writeString(line, "🔵 alice:⚡ busy  🟦 bob:💤 idle  🟢 carol:❌ offline\n", StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classes = Path.of(StatuslineBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            List<String> fleet = List.of(repo.resolve("fleet").toString(), "statusline");
            List<String> hello = List.of(java, "-cp", classes, Hello.class.getName());
            List<String> cat = List.of("cat", line.toString());
            Map<String, String> env = Map.of("APRA_FLEET_DATA_DIR", data.toString());

            String out = run(fleet, env);
            if (!out.startsWith("🔵 alice:⚡ busy")) {
                throw new IllegalStateException("fleet statusline printed: " + out);
            }
            for (int i = 0; i < 3; i++) {
                run(fleet, env);
                run(hello, env);
            }
            List<Double> tFleet = new ArrayList<>();
            List<Double> tHello = new ArrayList<>();
            List<Double> tCat = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                tFleet.add(time(fleet, env));
                tHello.add(time(hello, env));
                tCat.add(time(cat, env));
            }
            System.out.println("== fleet statusline: " + runs + " runs through ./fleet, interleaved with the baselines ==");
            System.out.println(row("./fleet statusline", tFleet));
            System.out.println(row("baseline: trivial JVM (hello world)", tHello));
            System.out.println(row("baseline: cat of the same file", tCat));
            System.out.println(String.format(Locale.ROOT, "  ratio to trivial JVM: %.2fx   target: < %.0f ms (median %s)",
                    median(tFleet) / median(tHello), TARGET_MS, median(tFleet) < TARGET_MS ? "met" : "missed"));
            System.out.println("  load average: " + Files.readString(Path.of("/proc/loadavg")).strip());
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String row(String label, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(Locale.ROOT, "  %-38s median %6.1f ms   p95 %6.1f ms   min %6.1f ms", label, median(ms),
                s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.95) - 1)), s.get(0));
    }

    private static double median(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static double time(List<String> cmd, Map<String, String> env) throws Exception {
        long start = System.nanoTime();
        run(cmd, env);
        return (System.nanoTime() - start) / 1e6;
    }

    /** Starts the command, pipes the session JSON in and closes stdin (as Claude Code does), waits for it to exit. */
    private static String run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(SESSION_JSON.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // It exited without reading: fine for the baselines.
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
        }
        return out;
    }

    /** The baseline: the cheapest Java program there is. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }
}
