package dev.fleet.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of the built fleet command line (target/fleet.jar) with a test's environment. */
public final class FleetCommand {
    private FleetCommand() {
    }

    public record Run(int exit, String out, String err) {
    }

    /** {@code java -jar fleet.jar ARGS} (or another jar), stdin empty, bounded in time. */
    public static Run run(Map<String, String> env, Duration limit, String jar, String... args) throws Exception {
        return run(env, limit, List.of(), jar, args);
    }

    /** The same with {@code jvmOptions} before {@code -jar}. */
    public static Run run(Map<String, String> env, Duration limit, List<String> jvmOptions, String jar, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile("fleet-out", ".txt");
        Path err = Files.createTempFile("fleet-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("fleet " + String.join(" ", args) + " did not finish within " + limit);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public static Run run(Map<String, String> env, String... args) throws Exception {
        return run(env, Duration.ofSeconds(90), System.getProperty("fleet.jar"), args);
    }

    /** Stops the daemon of this environment's data dir, if one runs (tests leave no daemon behind). */
    public static void stopDaemon(Map<String, String> env) throws Exception {
        run(env, "daemon", "stop");
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
