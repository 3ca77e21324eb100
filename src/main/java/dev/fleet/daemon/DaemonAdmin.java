package dev.fleet.daemon;

import dev.fleet.member.DataDir;
import dev.fleet.settings.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code fleet daemon status|stop|restart}, for a person at the terminal. */
public final class DaemonAdmin {
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final Duration START_LIMIT = Duration.ofSeconds(90);

    private final DaemonPaths paths;
    private final Map<String, String> env;
    private final PrintStream out;

    public DaemonAdmin(Settings settings, PrintStream out) {
        // What the daemon's files say (its pid, its options) is acted on: only in a folder no one else can write.
        this.paths = new DaemonPaths(new DataDir(settings.dataDir()).requireTrusted().root());
        this.env = settings.environment();
        this.out = out;
    }

    /** Prints what runs; 0 when a daemon answers, 3 when none runs (the LSB convention for "not running"). */
    public int status() throws IOException {
        String answer;
        try {
            answer = DaemonControl.ask(paths, "status");
        } catch (IOException unsafe) {
            out.println("fleet daemon: its socket is unusable: " + unsafe.getMessage() + "; 'fleet daemon restart' replaces it");
            return 1;
        }
        if (answer == null || !answer.startsWith(RelayProtocol.STATUS)) {
            out.println("fleet daemon: not running (data dir " + paths.dataDir() + ")");
            return 3;
        }
        Map<String, String> f = DaemonControl.fields(answer);
        out.println("fleet daemon: running, pid " + f.get("pid") + ", build " + f.get("build") + ", since " + f.get("since"));
        out.println("  clients: " + f.get("clients") + ", calls in flight: " + f.get("calls"));
        out.println("  socket: " + f.get("socket"));
        out.println("  http: " + ("-".equals(f.get("http")) ? "off" : f.get("http")));
        out.println("  log: " + paths.log());
        out.println("  this fleet: " + BuildId.current());
        return 0;
    }

    /** Stops the daemon (its calls in flight are cut short); 0 when none runs afterwards. */
    public int stop() throws IOException, InterruptedException {
        String answer;
        try {
            answer = DaemonControl.ask(paths, "stop");
        } catch (IOException unsafe) {
            // A socket fleet will not talk through (wrong owner or mode): stop the lock holder by signal.
            out.println("fleet daemon: not using its socket: " + unsafe.getMessage());
            answer = null;
        }
        long pid = DaemonLock.read(paths.lock()).pid();
        if (answer == null) {
            Optional<ProcessHandle> holder = lockHolder(pid);
            if (holder.isEmpty()) {
                out.println("fleet daemon: not running");
                return 0;
            }
            // Holds the lock but does not answer on its socket: ask the OS.
            out.println("fleet daemon (pid " + pid + ") does not answer on its socket; sending it SIGTERM");
            holder.get().destroy();
        }
        if (!awaitUnlocked(STOP_LIMIT)) {
            out.println("fleet daemon (pid " + pid + ") did not stop within " + STOP_LIMIT.toSeconds() + " s");
            return 1;
        }
        out.println("fleet daemon stopped");
        return 0;
    }

    /** Stops the daemon and starts it again in the background, with {@code options} or else the ones it had. */
    public int restart(List<String> options) throws IOException, InterruptedException {
        List<String> previous = DaemonLock.read(paths.lock()).options();
        String taken = httpTaken(options, previous);
        if (taken != null) {
            // Refused before the running daemon is stopped: a restart that cannot listen would leave none.
            System.err.println("Invalid input: --http " + taken + "; the running daemon was left as it was");
            return 2;
        }
        int stopped = stop();
        if (stopped != 0) {
            return stopped;
        }
        List<String> use = options.isEmpty() ? previous : options;
        Process p = DaemonStarter.start(paths, env, use);
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String answer = DaemonControl.ask(paths, "status");
            if (answer != null && answer.startsWith(RelayProtocol.STATUS)) {
                String pid = DaemonControl.fields(answer).get("pid");
                // A relay whose daemon went away may have started one of its own meanwhile, with its
                // options, and ours then found the lock taken: that one must not pass for ours.
                if (!startedBy(p, pid)) {
                    List<String> running = DaemonLock.read(paths.lock()).options();
                    out.println("fleet daemon (pid " + pid + ") was started by a client meanwhile, with "
                            + String.join(" ", running) + "; not with " + (use.isEmpty() ? "the options it had" : String.join(" ", use))
                            + ": run this restart again");
                    return 1;
                }
                out.println("fleet daemon started (pid " + pid + ")" + (use.isEmpty() ? "" : " with " + String.join(" ", use)));
                return 0;
            }
            if (!p.isAlive() && p.exitValue() != 0) {
                out.println("fleet daemon did not start (exit " + p.exitValue() + "); see " + paths.log());
                return 1;
            }
            Thread.sleep(50);
        }
        out.println("fleet daemon did not answer within " + START_LIMIT.toSeconds() + " s; see " + paths.log());
        return 1;
    }

    /**
     * Why the HTTP address {@code options} name cannot be listened on now (something holds its port),
     * or null: no address, port 0, or the address the running daemon listens on ({@code previous}),
     * which its stop frees.
     */
    static String httpTaken(List<String> options, List<String> previous) throws IOException {
        String http = valueAfter(options, "--http");
        if (http == null || http.equals(valueAfter(previous, "--http"))) {
            return null;
        }
        java.net.InetSocketAddress address = Daemon.httpAddress(http, options.contains("--allow-remote"));
        if (address.getPort() == 0) {
            return null;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(address);
            return null;
        } catch (IOException e) {
            return dev.fleet.base.Quoted.value(http) + " cannot be used: its port is taken (" + e.getMessage() + ")";
        }
    }

    private static String valueAfter(List<String> args, String option) {
        int at = args.indexOf(option);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : null;
    }

    /** Whether the daemon answering as {@code pid} is {@code started} (or what it runs: setsid may fork first). */
    private static boolean startedBy(Process started, String pid) {
        try {
            long answering = Long.parseLong(pid);
            return started.pid() == answering || started.descendants().anyMatch(h -> h.pid() == answering);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The process holding the daemon lock, if the lock is held. */
    private Optional<ProcessHandle> lockHolder(long pid) throws IOException, InterruptedException {
        if (!Files.isDirectory(paths.dataDir())) {
            return Optional.empty(); // no data dir, so no daemon ever ran here (and none is made by asking)
        }
        try (DaemonLock free = DaemonLock.acquire(paths.lock(), Duration.ZERO)) {
            if (free != null) {
                return Optional.empty();
            }
        }
        return pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    }

    private boolean awaitUnlocked(Duration limit) throws IOException, InterruptedException {
        try (DaemonLock free = DaemonLock.acquire(paths.lock(), limit)) {
            return free != null;
        }
    }
}
