package dev.fleet.bench;

import static dev.fleet.bench.Bench.WAIT_MS;
import static dev.fleet.bench.Bench.call;
import static dev.fleet.bench.Bench.intOpt;
import static dev.fleet.bench.Bench.ms;
import static dev.fleet.bench.Bench.say;
import static dev.fleet.bench.Bench.text;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleet.testing.DelayedLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The SSH section of the benchmark: remote members on a throwaway OpenSSH sshd on 127.0.0.1
 * (started with {@code scripts/test-sshd.sh} in a temp folder, stopped at the end, also on failure
 * and when the watchdog gives up). Each figure is paired with a baseline from OpenSSH's own tools
 * against the same sshd, measured in the same run and interleaved with it:
 *
 * <ol>
 *   <li>{@code execute_command echo hi} on a pooled remote member vs {@code ssh ... echo hi} reusing a
 *       ControlMaster connection (target: median ratio &lt;= 1);
 *   <li>{@code fleet_status} over 50 remote members (50 folders on the same sshd) vs over 1 (target:
 *       ratio &lt;= 3);
 *   <li>{@code send_files} of a 256 MiB file vs {@code scp} over a ControlMaster connection
 *       (target: throughput ratio &gt;= 1.2), with {@code scp} and {@code sftp -b} on new
 *       connections and {@code scp} on OpenSSH's default cipher as context.
 * </ol>
 *
 * <p>Every OpenSSH baseline runs on the cipher fleet negotiates ({@link #FLEET_CIPHER}) unless
 * it is marked as running on OpenSSH's default.
 *
 * <p>Options: {@code --ssh-exec-calls=N} (default 60, at least 50), {@code --ssh-status-calls=N}
 * (default 12, at least 10), {@code --ssh-members=N} (default 50), {@code --transfer-mb=N} (MiB,
 * default 256), {@code --transfer-runs=N} (default 5, at least 3), {@code --transfer-warmups=N}
 * (untimed full-size sends by each tool before the timed ones, default 8, see
 * {@link #DEFAULT_TRANSFER_WARMUPS}).
 */
final class SshBench {
    /**
     * Full-size sends before the timed ones. A server's JIT is still compiling the transfer path
     * during its first few (C2 took a third of the server's CPU in the runs after two warm-ups,
     * an eighth after eight; its sends went from about 240 to 480 MiB/s over the first ten), and
     * "warm" means after that.
     */
    static final int DEFAULT_TRANSFER_WARMUPS = 8;

    static final String USAGE = "[--ssh-exec-calls=N] [--ssh-status-calls=N] [--transfer-mb=N] [--transfer-runs=N] [--transfer-warmups=N] "
            + "[--scale-members=N] [--small-files=N] [--resend-mb=N] [--first-call-rounds=N] [--first-transfer-rounds=N]";
    private static final int WARMUPS = 10;
    /** A send_files call of the big file may take a while if fleet is slow; every call is still bounded. */
    private static final long TRANSFER_WAIT_MS = 5 * 60_000;
    private static final String HOST = "127.0.0.1";
    private static final double MIB = 1024 * 1024;
    private static final String SCP_MASTER = "scp, ControlMaster";
    /** S7's link: about a cloud region away. */
    private static final long FAR_ROUND_TRIP_MS = 100;
    private static final int FAR_RUNS = 4;
    /** S7's large file: enough to show what one channel's window allows over the link. */
    private static final long FAR_LARGE_MB = 32;
    private static final String SCP_MASTER_DEFAULT_CIPHER = "scp, ControlMaster, OpenSSH's default cipher";
    /**
     * The cipher fleet negotiates with OpenSSH (the first of {@code SshPool.CIPHERS}), which every
     * OpenSSH baseline uses too, so that a figure compares the tools and not their ciphers: OpenSSH's
     * own first choice, chacha20-poly1305, costs more CPU per byte on a machine with AES instructions
     * and made scp the slower baseline.
     */
    static final String FLEET_CIPHER = "aes128-gcm@openssh.com";

    private final Bench bench;
    private final int execCalls;
    private final int statusCalls;
    private final int members;
    private final int transferMb;
    private final int transferRuns;
    private final int transferWarmups;
    private final int scaleMembers;
    private final int smallFileCount;
    private final int resendMb;
    private final int firstCallRounds;
    private final int firstTransferRounds;
    /** Reads child processes' stdout so that every wait has a timeout. */
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-ssh-reader");
        t.setDaemon(true);
        return t;
    });

    // Set once the sshd is up.
    private Path sshdDir;
    private int port;
    private Path key;
    private String user;
    private Path home;
    /** ssh/scp/sftp stderr, for the diagnosis when one fails. */
    private Path clientLog;

    SshBench(Bench bench, Map<String, String> opts) {
        this.bench = bench;
        this.execCalls = Math.max(50, intOpt(opts, "ssh-exec-calls", 60));
        this.statusCalls = Math.max(10, intOpt(opts, "ssh-status-calls", 12));
        this.members = Math.max(2, intOpt(opts, "ssh-members", 50));
        this.transferMb = Math.max(1, intOpt(opts, "transfer-mb", 256));
        this.transferRuns = Math.max(3, intOpt(opts, "transfer-runs", 5));
        this.transferWarmups = Math.max(0, intOpt(opts, "transfer-warmups", DEFAULT_TRANSFER_WARMUPS));
        this.scaleMembers = Math.max(2, intOpt(opts, "scale-members", 200));
        this.smallFileCount = Math.max(10, intOpt(opts, "small-files", 2000));
        this.resendMb = Math.max(16, intOpt(opts, "resend-mb", 1024));
        this.firstCallRounds = Math.max(3, intOpt(opts, "first-call-rounds", 5));
        this.firstTransferRounds = Math.max(1, intOpt(opts, "first-transfer-rounds", 5));
    }

    void run() throws Exception {
        String missing = Stream.of("sshd", "ssh", "scp", "sftp").filter(t -> which(t) == null).findFirst().orElse(null);
        if (missing != null) {
            say("== 5. SSH section SKIPPED: `" + missing + "` is not installed (apt-get install openssh-server openssh-client) ==");
            say("");
            bench.notes.add("SSH section skipped: " + missing + " is not installed");
            return;
        }
        say("== 5. SSH section: remote members on a throwaway OpenSSH sshd on " + HOST + " (scripts/test-sshd.sh) ==");
        Path script = bench.repo.resolve("scripts/test-sshd.sh");
        sshdDir = bench.newTempDir("sshd");
        clientLog = sshdDir.resolve("clients.log");
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stopSshd = () -> {
            if (stopped.compareAndSet(false, true)) {
                try {
                    runQuiet(List.of(script.toString(), "stop", sshdDir.toString()), 30_000);
                } catch (IOException | RuntimeException e) {
                    System.err.println("bench: stopping the test sshd failed: " + e);
                }
            }
        };
        Bench.onExit(stopSshd);
        try {
            startSshd(script);
            say(String.format(Locale.ROOT, "  sshd on %s:%d (user %s, key %s), %s; client: %s", HOST, port, user, key,
                    which("sshd"), firstLine(List.of("ssh", "-V"))));
            say("  OpenSSH's tools run on fleet's cipher, " + FLEET_CIPHER + ", unless a line says otherwise");
            recordArchiveOfAnSshUser();
            say("");
            Map<String, ThrowingRunnable> sections = new LinkedHashMap<>();
            sections.put("5A", this::remoteExec);
            sections.put("S1", this::firstRemoteCall);
            sections.put("S2", this::remoteScale);
            sections.put("S3", this::memoryAndFirstTransfer);
            sections.put("5C", this::transfer);
            sections.put("S5", this::smallFiles);
            sections.put("S6", this::resend);
            sections.put("S7", this::farMember);
            for (Map.Entry<String, ThrowingRunnable> e : sections.entrySet()) {
                if (bench.wants(e.getKey())) {
                    e.getValue().run();
                }
            }
        } finally {
            stopSshd.run();
            readers.shutdownNow();
        }
    }

    /**
     * The server's class-data archive as a user with remote members has it: recorded by a server
     * whose registry holds one (the first local sections' warm-up recorded it with an empty
     * registry, which leaves MINA's classes out and every first remote call to load them).
     */
    private void recordArchiveOfAnSshUser() throws Exception {
        Path jsa = bench.repo.resolve("target/fleet.jsa");
        Files.deleteIfExists(jsa);
        Path data = bench.newTempDir("archive-data");
        try (Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
            s.ok("register_member", remoteArgs("archive", home.resolve("fleet-bench-archive")), WAIT_MS, bench.json);
        }
        say(String.format(Locale.ROOT, "  server class-data archive recorded by a server with a remote member: %s",
                Files.isRegularFile(jsa) ? Files.size(jsa) / (1024 * 1024) + " MB" : "MISSING"));
    }

    private void startSshd(Path script) throws Exception {
        Process p = new ProcessBuilder(script.toString(), "start", sshdDir.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(clientLog.toFile()))
                .start();
        p.getOutputStream().close();
        Proc r = finish(p, System.nanoTime(), 60_000, true);
        Map<String, String> vars = new HashMap<>();
        r.out.lines().filter(l -> l.startsWith("FLEET_TEST_SSHD_") && l.contains("=")).forEach(l -> {
            int eq = l.indexOf('=');
            vars.put(l.substring(0, eq), l.substring(eq + 1));
        });
        if (r.exit != 0 || !vars.keySet().containsAll(List.of("FLEET_TEST_SSHD_PORT", "FLEET_TEST_SSHD_KEY",
                "FLEET_TEST_SSHD_USER", "FLEET_TEST_SSHD_HOME"))) {
            throw new IllegalStateException("scripts/test-sshd.sh start failed (exit " + r.exit + "): " + r.out + tail(clientLog));
        }
        port = Integer.parseInt(vars.get("FLEET_TEST_SSHD_PORT"));
        key = Path.of(vars.get("FLEET_TEST_SSHD_KEY"));
        user = vars.get("FLEET_TEST_SSHD_USER");
        home = Path.of(vars.get("FLEET_TEST_SSHD_HOME"));
    }

    // ---------------------------------------------------------------- 5a. execute_command vs ssh ControlMaster

    private void remoteExec() throws Exception {
        say("== 5a. execute_command `echo hi` on a pooled remote member (MCP SDK client) vs `ssh ... echo hi` over an "
                + "OpenSSH ControlMaster connection; " + execCalls + " timed calls each after " + WARMUPS
                + " warm-ups, interleaved ==");
        Path dataDir = bench.newTempDir("ssh-exec-data");
        try (Master master = new Master("cm"); McpSyncClient client = bench.sdkClient(dataDir, WAIT_MS, Bench.BUILD_WAIT_MS)) {
            List<String> sshOpts = master.opts("-p");
            List<String> echo = concat(List.of("ssh"), sshOpts, List.of(user + "@" + HOST, "echo", "hi"));
            double masterMs = master.open();
            long r0 = System.nanoTime();
            registerRemote(client, "ssh-0", home.resolve("fleet-bench-exec"));
            double registerMs = ms(System.nanoTime() - r0);

            Map<String, Object> args = Map.of("member_name", "ssh-0", "command", "echo hi");
            List<Double> fleet = new ArrayList<>();
            List<Double> serverSide = new ArrayList<>();
            List<Double> ssh = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            for (int i = 0; i < WARMUPS + execCalls; i++) {
                double s = -1;
                // Alternate which goes first so neither always follows the other.
                if (i % 2 == 1) {
                    s = sshEcho(echo);
                }
                long t0 = System.nanoTime();
                McpSchema.CallToolResult r = client.callTool(call("execute_command", args));
                long t1 = System.nanoTime();
                String text = text(r);
                if (Boolean.TRUE.equals(r.isError()) || !text.contains("hi")) {
                    throw new IllegalStateException("remote execute_command failed: " + text);
                }
                if (i % 2 == 0) {
                    s = sshEcho(echo);
                }
                // Protocol floor: a tool that touches neither SSH nor a process.
                long f0 = System.nanoTime();
                McpSchema.CallToolResult lm = client.callTool(call("list_members", Map.of()));
                long f1 = System.nanoTime();
                if (Boolean.TRUE.equals(lm.isError())) {
                    throw new IllegalStateException("list_members failed: " + text(lm));
                }
                if (i >= WARMUPS) {
                    fleet.add(ms(t1 - t0));
                    ssh.add(s);
                    floor.add(ms(f1 - f0));
                    Object d = r.structuredContent() instanceof Map<?, ?> m ? m.get("durationMs") : null;
                    if (d instanceof Number n) {
                        serverSide.add(n.doubleValue());
                    }
                }
            }
            boolean masterAlive = master.alive();
            // For context: what a connection costs when it is not reused (10 calls, not interleaved).
            List<Double> fresh = new ArrayList<>();
            List<String> noMaster = concat(List.of("ssh", "-F", "/dev/null", "-o", "ControlMaster=no", "-o", "ControlPath=none",
                    "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-i", key.toString(), "-c", FLEET_CIPHER, "-p", String.valueOf(port), user + "@" + HOST), List.of("echo", "hi"));
            for (int i = 0; i < 10; i++) {
                fresh.add(sshEcho(noMaster));
            }
            master.close();

            Bench.Stats sFleet = Bench.Stats.of(fleet);
            Bench.Stats sSsh = Bench.Stats.of(ssh);
            say(String.format(Locale.ROOT, "  %-48s %s   p95 %.1f ms", "execute_command round trip, remote", sFleet.brief(), sFleet.p95()));
            if (!serverSide.isEmpty()) {
                say(String.format(Locale.ROOT, "  %-48s median %.0f ms (whole ms, as reported in durationMs)",
                        "  of which the command on the channel", Bench.Stats.of(serverSide).median()));
            }
            say(String.format(Locale.ROOT, "  %-48s %s", "  protocol floor: list_members round trip", Bench.Stats.of(floor).brief()));
            say(String.format(Locale.ROOT, "  %-48s %s   p95 %.1f ms", "baseline: ssh echo hi over a ControlMaster", sSsh.brief(), sSsh.p95()));
            say(String.format(Locale.ROOT, "  ratio execute_command / ssh ControlMaster: %.2fx (median)   %.2fx (p95)",
                    sFleet.median() / sSsh.median(), sFleet.p95() / sSsh.p95()));
            say(String.format(Locale.ROOT, "  %-48s %s", "context: ssh echo hi, new connection each time", Bench.Stats.of(fresh).brief()));
            say(String.format(Locale.ROOT, "  (opening the ssh master: %.0f ms; register_member, remote: %.0f ms; master still up at the end: %s)",
                    masterMs, registerMs, masterAlive ? "yes" : "NO - some baseline calls may have opened their own connection"));
            say("  all execute_command times (ms): " + sFleet.all());
            say("  all ssh ControlMaster times (ms): " + sSsh.all());
            double rss = Bench.serverRss();
            if (rss > 0) {
                say(String.format(Locale.ROOT, "  server RSS after these calls: %.1f MB", rss));
            }
            say("");
            if (!masterAlive) {
                bench.notes.add("the ssh ControlMaster was gone at the end of 5a: its baseline may include new connections");
            }
            bench.summary.add(new Bench.Row("execute_command echo hi, remote (SDK client)", sFleet.median(), "ms", sSsh.median(),
                    "ssh ControlMaster", 1.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));
        }
    }

    /**
     * An OpenSSH master connection (ControlMaster=auto, ControlPersist=60) in a short folder of its
     * own (the socket path must stay under 108 bytes); closed with {@code ssh -O exit}, also on any exit.
     */
    private final class Master implements AutoCloseable {
        private final Path dir;
        private final List<String> cipher;
        private final AtomicBoolean closed = new AtomicBoolean();

        private final int masterPort;

        /** A master on fleet's cipher ({@link #FLEET_CIPHER}). */
        Master(String label) throws IOException {
            this(label, FLEET_CIPHER);
        }

        /** {@code cipher}: null for OpenSSH's own choice. */
        Master(String label, String cipher) throws IOException {
            this(label, cipher, port);
        }

        /** To the sshd through {@code masterPort} (a {@link DelayedLink}'s). */
        Master(String label, String cipher, int masterPort) throws IOException {
            this.dir = bench.newTempDir(label);
            this.cipher = cipher == null ? List.of() : List.of("-c", cipher);
            this.masterPort = masterPort;
            Bench.onExit(this::close);
        }

        /** The options for ssh ({@code portFlag} "-p") or scp/sftp ("-P"), without the destination. */
        List<String> opts(String portFlag) {
            return concat(List.of("-F", "/dev/null", "-o", "ControlMaster=auto", "-o", "ControlPath=" + dir + "/cm-%C",
                    "-o", "ControlPersist=60", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-i", key.toString(), portFlag, String.valueOf(masterPort)), cipher);
        }

        /** Opens the master (this call forks it into the background and returns); the time it took. */
        double open() throws IOException {
            long m0 = System.nanoTime();
            Proc open = runQuiet(concat(List.of("ssh"), opts("-p"), List.of(user + "@" + HOST, "true")), WAIT_MS);
            double took = ms(System.nanoTime() - m0);
            if (open.exit != 0 || !alive()) {
                throw new IllegalStateException("could not open an ssh master connection (exit " + open.exit + ")" + tail(clientLog));
            }
            return took;
        }

        boolean alive() throws IOException {
            return runQuiet(concat(List.of("ssh", "-O", "check"), opts("-p"), List.of(user + "@" + HOST)), WAIT_MS).exit == 0;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    runQuiet(concat(List.of("ssh", "-O", "exit"), opts("-p"), List.of(user + "@" + HOST)), 15_000);
                } catch (IOException | RuntimeException e) {
                    System.err.println("bench: closing the ssh master failed: " + e);
                }
            }
        }
    }

    /** One {@code ssh ... echo hi}: start, read all of stdout, wait; the time of the whole. */
    private double sshEcho(List<String> command) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(clientLog.toFile()))
                .start();
        Proc r = finish(p, t0, WAIT_MS, true);
        if (r.exit != 0 || !r.out.strip().equals("hi")) {
            throw new IllegalStateException("ssh echo hi: exit " + r.exit + ", printed '" + r.out + "'" + tail(clientLog));
        }
        return r.ms;
    }

    // ---------------------------------------------------------------- 5b. fleet_status over N remote members vs 1

    private void remoteStatus() throws Exception {
        say("== 5b. fleet_status over " + members + " remote members (" + members + " folders on the same sshd) vs over 1 "
                + "(two servers, calls interleaved, " + statusCalls + " timed calls each after 3 warm-ups) ==");
        try (McpSyncClient one = bench.sdkClient(bench.newTempDir("ssh-status1-data"));
             McpSyncClient many = bench.sdkClient(bench.newTempDir("ssh-statusN-data"))) {
            registerRemote(one, "solo", home.resolve("fleet-bench-status-solo"));
            List<Double> registrations = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                long r0 = System.nanoTime();
                registerRemote(many, "r" + i, home.resolve("fleet-bench-status-" + i));
                registrations.add(ms(System.nanoTime() - r0));
            }
            List<Double> tOne = new ArrayList<>();
            List<Double> tMany = new ArrayList<>();
            for (int i = 0; i < 3 + statusCalls; i++) {
                double a;
                double b;
                if (i % 2 == 0) {
                    a = Bench.statusCall(one, 1);
                    b = Bench.statusCall(many, members);
                } else {
                    b = Bench.statusCall(many, members);
                    a = Bench.statusCall(one, 1);
                }
                if (i >= 3) {
                    tOne.add(a);
                    tMany.add(b);
                }
            }
            Bench.Stats sOne = Bench.Stats.of(tOne);
            Bench.Stats sMany = Bench.Stats.of(tMany);
            Bench.Stats sReg = Bench.Stats.of(registrations);
            say(String.format(Locale.ROOT, "  %-48s %s", "fleet_status, " + members + " remote members", sMany.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "fleet_status, 1 remote member", sOne.brief()));
            say(String.format(Locale.ROOT, "  ratio %d members / 1 member: %.2fx (median)", members, sMany.median() / sOne.median()));
            say(String.format(Locale.ROOT, "  (register_member, remote: %s)", sReg.brief()));
            say("");
            bench.summary.add(new Bench.Row("fleet_status, " + members + " remote members (median)", sMany.median(), "ms",
                    sOne.median(), "fleet_status, 1 remote", 3.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));
        }
    }

    // ---------------------------------------------------------------- 5c. send_files vs scp / sftp

    private void transfer() throws Exception {
        long size = transferMb * (long) MIB;
        say("== 5c. send_files of a " + transferMb + " MiB file vs scp and sftp -b of the same file to the same sshd; "
                + transferRuns + " timed runs each after one untimed 16 MiB warm-up and " + transferWarmups + " untimed "
                + transferMb + " MiB ones (warm: the JIT has compiled fleet's transfer path), order rotated per run ==");
        Path srcDir = bench.newTempDir("xfer-src");
        Path work = home.resolve("fleet-bench-xfer");
        Path blob = srcDir.resolve("blob.bin");
        Path small = srcDir.resolve("warm.bin");
        Path dest = work.resolve("blob.bin");
        try {
            long w0 = System.nanoTime();
            writeRandom(blob, size, 42);
            writeRandom(small, 16 * (long) MIB, 7);
            say(String.format(Locale.ROOT, "  source: %s (%d MiB, pseudo-random, written in %.1f s)", blob, transferMb,
                    ms(System.nanoTime() - w0) / 1000));
            List<String> common = List.of("-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-i", key.toString(), "-c", FLEET_CIPHER);
            Path batch = srcDir.resolve("put.batch");
            Path smallBatch = srcDir.resolve("warm.batch");
            Files.writeString(batch, "put " + blob + " " + dest + "\n");
            Files.writeString(smallBatch, "put " + small + " " + work.resolve("warm.bin") + "\n");

            try (Master master = new Master("cmx");
                 Master defaultCipher = new Master("cmy", null);
                 McpSyncClient client = bench.sdkClient(bench.newTempDir("ssh-xfer-data"), TRANSFER_WAIT_MS, WAIT_MS)) {
                registerRemote(client, "xfer", work);
                master.open();
                defaultCipher.open();
                Map<String, Transfer> tools = new LinkedHashMap<>();
                tools.put("fleet send_files", f -> sendFiles(client, f));
                tools.put("scp", f -> scpOrSftp(concat(List.of("scp", "-q"), common,
                        List.of("-P", String.valueOf(port), f.toString(), user + "@" + HOST + ":" + work.resolve(f.getFileName())))));
                tools.put("sftp -b", f -> scpOrSftp(concat(List.of("sftp", "-q"), common,
                        List.of("-P", String.valueOf(port), "-b", (f.equals(blob) ? batch : smallBatch).toString(), user + "@" + HOST))));
                // The line's baseline: scp without its handshake, like fleet's pooled connection, on fleet's cipher.
                tools.put(SCP_MASTER, f -> scpOrSftp(concat(List.of("scp", "-q"), master.opts("-P"),
                        List.of(f.toString(), user + "@" + HOST + ":" + work.resolve(f.getFileName())))));
                // Context: what a user's scp gets without choosing a cipher.
                tools.put(SCP_MASTER_DEFAULT_CIPHER, f -> scpOrSftp(concat(List.of("scp", "-q"), defaultCipher.opts("-P"),
                        List.of(f.toString(), user + "@" + HOST + ":" + work.resolve(f.getFileName())))));
                List<String> names = new ArrayList<>(tools.keySet());

                // Warm-up: loads fleet's SFTP classes and the clients' binaries; untimed.
                for (String name : names) {
                    tools.get(name).send(small);
                    checkCopy(small, work.resolve("warm.bin"), name);
                    Files.delete(work.resolve("warm.bin"));
                }

                Map<String, List<Double>> warming = new LinkedHashMap<>();
                Map<String, List<Double>> mibs = new LinkedHashMap<>();
                names.forEach(n -> {
                    warming.put(n, new ArrayList<>());
                    mibs.put(n, new ArrayList<>());
                });
                for (int run = 0; run < transferWarmups + transferRuns; run++) {
                    for (int k = 0; k < names.size(); k++) {
                        String name = names.get((run + k) % names.size());
                        Files.deleteIfExists(dest);
                        sync();
                        long t0 = System.nanoTime();
                        tools.get(name).send(blob);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        checkCopy(blob, dest, name);
                        Files.delete(dest);
                        (run < transferWarmups ? warming : mibs).get(name).add(size / MIB / seconds);
                    }
                }
                if (transferWarmups > 0) {
                    StringBuilder w = new StringBuilder();
                    for (double x : warming.get("fleet send_files")) {
                        w.append(w.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x));
                    }
                    say("  fleet's untimed full-size warm-ups (the second transfer of the server, then on): " + w + " MiB/s");
                }
                Map<String, Double> median = new LinkedHashMap<>();
                for (String name : names) {
                    List<Double> v = mibs.get(name);
                    Bench.Stats s = Bench.Stats.of(v);
                    median.put(name, s.median());
                    StringBuilder runs = new StringBuilder();
                    for (double x : v) {
                        runs.append(runs.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x));
                    }
                    say(String.format(Locale.ROOT, "  %-19s median %6.1f MiB/s  (%.2f s for %d MiB; runs in order: %s MiB/s)",
                            name, s.median(), transferMb / s.median(), transferMb, runs));
                }
                double fleet = median.get("fleet send_files");
                say(String.format(Locale.ROOT, "  throughput ratio fleet / scp: %.2fx   fleet / sftp -b: %.2fx   fleet / %s: %.2fx   (medians)",
                        fleet / median.get("scp"), fleet / median.get("sftp -b"), SCP_MASTER, fleet / median.get(SCP_MASTER)));
                say(String.format(Locale.ROOT, "  fleet / %s: %.2fx", SCP_MASTER_DEFAULT_CIPHER,
                        fleet / median.get(SCP_MASTER_DEFAULT_CIPHER)));
                say("  (scp and sftp -b open a new SSH connection per run, which is in their time; fleet, and scp over the"
                        + " master, reuse one; since OpenSSH 9.0 scp speaks SFTP by default; every OpenSSH tool runs on"
                        + " fleet's cipher, " + FLEET_CIPHER + ", but the one marked as OpenSSH's default)");
                double rss = Bench.serverRss();
                if (rss > 0) {
                    say(String.format(Locale.ROOT, "  server RSS after the transfers: %.1f MB", rss));
                }
                say("");
                bench.summary.add(new Bench.Row("S4 send_files " + transferMb + " MiB, warm (" + transferWarmups + " sends before)", fleet, "MiB/s",
                        median.get(SCP_MASTER), "scp, ControlMaster", 1.2, Double.NaN, Bench.Goal.RATIO_AT_LEAST));
                bench.summary.add(new Bench.Row("   same, vs scp over a ControlMaster on OpenSSH's default cipher", fleet, "MiB/s",
                        median.get(SCP_MASTER_DEFAULT_CIPHER), "scp, ControlMaster, default cipher", Double.NaN, Double.NaN,
                        Bench.Goal.NONE));
                bench.summary.add(new Bench.Row("   same, vs scp (new connection)", fleet, "MiB/s",
                        median.get("scp"), "scp", Double.NaN, Double.NaN, Bench.Goal.NONE));
                bench.summary.add(new Bench.Row("   same, vs sftp -b batch put", fleet, "MiB/s",
                        median.get("sftp -b"), "sftp -b", Double.NaN, Double.NaN, Bench.Goal.NONE));
            }
        } finally {
            // Keep disk use bounded even when the rest of the run goes on.
            for (Path p : List.of(blob, small, dest, work.resolve("warm.bin"))) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---------------------------------------------------------------- issue 13 targets (plain stdio client)

    private Map<String, Object> remoteArgs(String name, Path folder) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("friendly_name", name);
        args.put("member_type", "remote");
        args.put("host", HOST);
        args.put("port", port);
        args.put("username", user);
        args.put("auth_type", "key");
        args.put("key_path", key.toString());
        args.put("work_folder", folder.toString());
        return args;
    }

    private List<String> sshTrue() {
        return List.of("ssh", "-F", "/dev/null", "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-i", key.toString(), "-c", FLEET_CIPHER,
                "-p", String.valueOf(port), user + "@" + HOST, "true");
    }

    /**
     * S1. The first call over a fresh connection: register_member of a remote member as the first
     * SSH use of a server just started (class loading, key parsing, key exchange, probes), against
     * {@code ssh host true} with a new connection. Each round starts a new server.
     */
    private void firstRemoteCall() throws Exception {
        say("== S1. First SSH use after start: register_member remote on a server just started (" + firstCallRounds
                + " servers) vs `ssh host true`, new connection, interleaved ==");
        List<Double> fleet = new ArrayList<>();
        List<Double> ssh = new ArrayList<>();
        List<Double> then = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        List<Double> registered = new ArrayList<>();
        List<Double> registeredLater = new ArrayList<>();
        for (int i = 0; i < firstCallRounds; i++) {
            Proc t = runQuiet(sshTrue(), WAIT_MS);
            if (t.exit != 0) {
                throw new IllegalStateException("ssh true failed" + tail(clientLog));
            }
            ssh.add(t.ms);
            Path data = bench.newTempDir("s1-data");
            try (Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
                long t0 = System.nanoTime();
                s.ok("register_member", remoteArgs("first", home.resolve("fleet-bench-first-" + i)), WAIT_MS, bench.json);
                fleet.add(ms(System.nanoTime() - t0));
                long t1 = System.nanoTime();
                s.ok("execute_command", Map.of("member_name", "first", "command", "echo hi"), WAIT_MS, bench.json);
                then.add(ms(System.nanoTime() - t1));
                // The same work again on a warm JVM: what of the first call is the JVM's warm-up.
                long t2 = System.nanoTime();
                s.ok("register_member", remoteArgs("second", home.resolve("fleet-bench-second-" + i)), WAIT_MS, bench.json);
                second.add(ms(System.nanoTime() - t2));
            }
            // A server started on that registry: the first call to a member already registered
            // (what every server start meets), over a new connection.
            try (Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
                long t3 = System.nanoTime();
                s.ok("execute_command", Map.of("member_name", "first", "command", "true"), WAIT_MS, bench.json);
                registered.add(ms(System.nanoTime() - t3));
            }
            // The same after 3 s, as when a person starts the editor and then types: the server
            // had time to ready its SSH machinery in the background.
            try (Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
                Bench.sleep(3000);
                long t4 = System.nanoTime();
                s.ok("execute_command", Map.of("member_name", "first", "command", "true"), WAIT_MS, bench.json);
                registeredLater.add(ms(System.nanoTime() - t4));
            }
        }
        Bench.Stats sf = Bench.Stats.of(fleet);
        Bench.Stats ss = Bench.Stats.of(ssh);
        say(String.format(Locale.ROOT, "  %-48s %s", "register_member remote, first SSH use", sf.brief()));
        say(String.format(Locale.ROOT, "  %-48s %s", "baseline: ssh host true, new connection", ss.brief()));
        say(String.format(Locale.ROOT, "  %-48s %s", "the execute_command right after it", Bench.Stats.of(then).brief()));
        say(String.format(Locale.ROOT, "  %-48s %s", "a second remote member, new connection, warm JVM", Bench.Stats.of(second).brief()));
        Bench.Stats sr = Bench.Stats.of(registered);
        say(String.format(Locale.ROOT, "  %-48s %s", "first call to a registered member, fresh server", sr.brief()));
        say(String.format(Locale.ROOT, "  %-48s %s", "the same, 3 s after the server started", Bench.Stats.of(registeredLater).brief()));
        say("  all register times (ms): " + sf.all() + "   all ssh times (ms): " + ss.all());
        say("");
        bench.summary.add(new Bench.Row("S1 first remote call (register, fresh server)", sf.median(), "ms", ss.median(),
                "ssh true, new connection", 2.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));
        bench.summary.add(new Bench.Row("S1 first call to a registered member, fresh server", sr.median(), "ms", ss.median(),
                "ssh true, new connection", 2.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));
    }

    /**
     * S2. fleet_status over many remote members (one folder each on the same sshd, registry written
     * before the server starts) vs over one; then one command on every member, so that each holds a
     * pooled connection, and the server's RSS.
     */
    private void remoteScale() throws Exception {
        int n = scaleMembers;
        say("== S2. fleet_status over " + n + " remote members vs over 1 (two servers, " + statusCalls
                + " calls each after 3 warm-ups, interleaved); then a command on each of the " + n + " (one pooled connection each) ==");
        Path many = bench.newTempDir("s2-data");
        Path one = bench.newTempDir("s2-data1");
        LocalTargets.writeRegistry(many, remoteMembers(n, "s2"));
        LocalTargets.writeRegistry(one, remoteMembers(1, "s2one"));
        // The host key is learnt once, by a registration on each server's own data dir.
        try (Bench.RawServer sMany = Bench.RawServer.serve(bench, many, null);
             Bench.RawServer sOne = Bench.RawServer.serve(bench, one, null)) {
            sMany.ok("register_member", remoteArgs("keyed", home.resolve("fleet-bench-s2-keyed")), WAIT_MS, bench.json);
            sOne.ok("register_member", remoteArgs("keyed", home.resolve("fleet-bench-s2one-keyed")), WAIT_MS, bench.json);
            List<Double> tMany = new ArrayList<>();
            List<Double> tOne = new ArrayList<>();
            for (int i = 0; i < 3 + statusCalls; i++) {
                long t0 = System.nanoTime();
                JsonNode r = sMany.ok("fleet_status", Map.of("format", "compact"), WAIT_MS, bench.json);
                double a = sMany.msToLastResponse(t0);
                long t1 = System.nanoTime();
                sOne.ok("fleet_status", Map.of("format", "compact"), WAIT_MS, bench.json);
                double b = sOne.msToLastResponse(t1);
                String text = Bench.RawServer.text(r);
                if (!text.startsWith("Fleet: " + (n + 1) + " members, " + (n + 1) + " online")) {
                    throw new IllegalStateException("fleet_status over " + n + ": " + text.lines().findFirst().orElse(""));
                }
                if (i >= 3) {
                    tMany.add(a);
                    tOne.add(b);
                }
            }
            Bench.Stats sm = Bench.Stats.of(tMany);
            Bench.Stats so = Bench.Stats.of(tOne);
            say(String.format(Locale.ROOT, "  %-48s %s", "fleet_status, " + n + " remote members", sm.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "baseline: fleet_status, 1 remote member", so.brief()));
            bench.summary.add(new Bench.Row("S2 fleet_status, " + n + " remote members", sm.median(), "ms", so.median(),
                    "fleet_status, 1 remote", 2.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));

            long c0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sMany.ok("execute_command", Map.of("member_name", "s2-" + i, "command", "echo hi"), WAIT_MS, bench.json);
            }
            double rss = sMany.rssMb();
            say(String.format(Locale.ROOT, "  a command on each of the %d members took %.1f s; server RSS with %d pooled connections: %.1f MB",
                    n, ms(System.nanoTime() - c0) / 1000, n, rss));
            say("");
            bench.summary.add(new Bench.Row("S2 RSS, " + n + " pooled remote members", rss, "MB", 200, "the target",
                    200, Double.NaN, Bench.Goal.AT_MOST));
        }
    }

    private List<dev.fleet.member.Member> remoteMembers(int n, String prefix) throws IOException {
        List<dev.fleet.member.Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path folder = Files.createDirectories(home.resolve("fleet-bench-" + prefix + "-" + i));
            members.add(dev.fleet.member.Member.builder().id(java.util.UUID.randomUUID().toString()).friendlyName(prefix + "-" + i)
                    .agentType(dev.fleet.member.AgentType.REMOTE).host(HOST).port(port).username(user)
                    .authType(dev.fleet.member.AuthType.KEY).keyPath(key.toString()).workFolder(folder.toString())
                    .os(dev.fleet.member.MemberOs.LINUX).createdAt(java.time.Instant.now()).lastUsed(java.time.Instant.now()).build());
        }
        return members;
    }

    /**
     * S3. On a server just started: its idle RSS, then 50 remote commands and one transfer of the
     * big file (the first after start, timed against scp over a ControlMaster right after it), and
     * the RSS again. {@code --first-transfer-rounds=N} servers, one after another; medians reported.
     */
    /** How long S3 waits, after its transfers, for the server's idle memory trim (10 s quiet, checked every 5 s). */
    private static final long SETTLE_MS = 20_000;

    private void memoryAndFirstTransfer() throws Exception {
        long size = transferMb * (long) MIB;
        say("== S3. Server just started (" + firstTransferRounds + " servers): idle RSS; 50 remote execute_command; the first "
                + "send_files of " + transferMb + " MiB (vs scp over a ControlMaster right after); RSS ==");
        Path srcDir = bench.newTempDir("s3-src");
        Path blob = srcDir.resolve("first.bin");
        Path work = home.resolve("fleet-bench-s3");
        Path dest = work.resolve("first.bin");
        writeRandom(blob, size, 11);
        List<Double> fleetMibs = new ArrayList<>();
        List<Double> scpMibs = new ArrayList<>();
        List<Double> idles = new ArrayList<>();
        List<Double> afters = new ArrayList<>();
        List<Double> settleds = new ArrayList<>();
        try {
            for (int round = 0; round < firstTransferRounds; round++) {
                Path data = bench.newTempDir("s3-data");
                try (Master master = new Master("cm3"); Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
                    master.open();
                    Bench.sleep(1000);
                    double idle = s.rssMb();
                    s.ok("register_member", remoteArgs("mem", work), WAIT_MS, bench.json);
                    for (int i = 0; i < 50; i++) {
                        s.ok("execute_command", Map.of("member_name", "mem", "command", "echo " + i), WAIT_MS, bench.json);
                    }
                    sync();
                    long t0 = System.nanoTime();
                    s.ok("send_files", Map.of("member_name", "mem", "local_paths", List.of(blob.toString())), TRANSFER_WAIT_MS, bench.json);
                    double fleet = size / MIB / ((System.nanoTime() - t0) / 1e9);
                    checkCopy(blob, dest, "first send_files");
                    Files.delete(dest);
                    sync();
                    long t1 = System.nanoTime();
                    scpOrSftp(concat(List.of("scp", "-q"), master.opts("-P"), List.of(blob.toString(), user + "@" + HOST + ":" + dest)));
                    double scp = size / MIB / ((System.nanoTime() - t1) / 1e9);
                    checkCopy(blob, dest, "scp");
                    Files.delete(dest);
                    Bench.sleep(1000);
                    double after = s.rssMb();
                    // The server hands memory back once it has been quiet for 10 s (checked every 5 s).
                    Bench.sleep(SETTLE_MS);
                    double settled = s.rssMb();
                    say(String.format(Locale.ROOT, "  server %d: first send_files after start %.1f MiB/s; scp over a ControlMaster right after "
                            + "%.1f MiB/s; RSS idle %.1f MB, after 50 remote calls and the transfer %.1f MB (+%.1f MB), "
                            + "%d s later %.1f MB (+%.1f MB)",
                            round + 1, fleet, scp, idle, after, after - idle, SETTLE_MS / 1000, settled, settled - idle));
                    settleds.add(settled);
                    fleetMibs.add(fleet);
                    scpMibs.add(scp);
                    idles.add(idle);
                    afters.add(after);
                }
            }
            double fleet = Bench.Stats.of(fleetMibs).median();
            double scp = Bench.Stats.of(scpMibs).median();
            double idle = Bench.Stats.of(idles).median();
            double after = Bench.Stats.of(afters).median();
            double settled = Bench.Stats.of(settleds).median();
            say(String.format(Locale.ROOT, "  medians: send_files %.1f MiB/s, scp %.1f MiB/s (%.2fx); RSS idle %.1f MB, after %.1f MB, "
                    + "settled %.1f MB", fleet, scp, fleet / scp, idle, after, settled));
            say("");
            bench.summary.add(new Bench.Row("S3 send_files " + transferMb + " MiB, first after start", fleet, "MiB/s", scp,
                    "scp, ControlMaster", 0.8, Double.NaN, Bench.Goal.RATIO_AT_LEAST));
            bench.summary.add(new Bench.Row("S3 RSS after 50 remote calls + 1 transfer", after, "MB", idle + 30,
                    "idle RSS + 30 MB", 1.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));
            bench.summary.add(new Bench.Row("S3 the same, " + SETTLE_MS / 1000 + " s later (idle)", settled, "MB", idle + 30,
                    "idle RSS + 30 MB", 1.0, Double.NaN, Bench.Goal.RATIO_AT_MOST));
        } finally {
            Files.deleteIfExists(blob);
            Files.deleteIfExists(dest);
        }
    }

    /**
     * S7. A member far away: a small file's {@code send_files} and {@code receive_files} over a
     * {@link DelayedLink} with a round trip of {@link #FAR_ROUND_TRIP_MS}, against {@code scp} over
     * a ControlMaster through the same link, alternating. On loopback a call's waits for the
     * member's answers cost next to nothing; over such a link each costs a round trip, and the
     * count of them is the figure. A large file each way shows what a channel's window lets through.
     */
    private void farMember() throws Exception {
        long oneWay = FAR_ROUND_TRIP_MS / 2;
        say("== S7. A member " + FAR_ROUND_TRIP_MS + " ms away (a delaying forwarder on 127.0.0.1): send_files and receive_files "
                + "of a 1 KiB and a " + FAR_LARGE_MB + " MiB file vs scp, and execute_command vs ssh, over a ControlMaster through the same link, " + FAR_RUNS
                + " timed runs each after one, alternating ==");
        Path srcDir = bench.newTempDir("s7-src");
        Path file = srcDir.resolve("small.txt");
        writeRandom(file, 1024, 7);
        Path work = home.resolve("fleet-bench-s7");
        Files.createDirectories(work);
        Path data = bench.newTempDir("s7-data");
        try (DelayedLink link = new DelayedLink(port, oneWay);
             Master master = new Master("cm7", FLEET_CIPHER, link.port());
             Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
            Map<String, Object> args = remoteArgs("far", work);
            args.put("port", link.port());
            s.ok("register_member", args, WAIT_MS, bench.json);
            master.open();
            List<Double> fleet = new ArrayList<>();
            List<Double> scp = new ArrayList<>();
            alternate(file, work.resolve("small.txt"), fleet, scp,
                    () -> s.ok("send_files", Map.of("member_name", "far", "local_paths", List.of(file.toString())), TRANSFER_WAIT_MS,
                            bench.json),
                    () -> scpOrSftp(concat(List.of("scp", "-q"), master.opts("-P"), List.of(file.toString(), user + "@" + HOST + ":" + work))));
            // The same file back: receive_files against scp from the member.
            List<Double> got = new ArrayList<>();
            List<Double> scpBack = new ArrayList<>();
            Path back = bench.newTempDir("s7-back");
            alternate(file, back.resolve("small.txt"), got, scpBack,
                    () -> s.ok("receive_files", Map.of("member_name", "far", "remote_paths", List.of("small.txt"), "local_dest",
                            back.toString()), TRANSFER_WAIT_MS, bench.json),
                    () -> scpOrSftp(concat(List.of("scp", "-q"), master.opts("-P"),
                            List.of(user + "@" + HOST + ":" + work.resolve("small.txt"), back.toString()))));
            // A large file each way: what a channel's window allows over such a link.
            Path large = srcDir.resolve("large.bin");
            writeRandom(large, FAR_LARGE_MB * 1024L * 1024, 77);
            List<Double> sendLarge = new ArrayList<>();
            List<Double> scpLarge = new ArrayList<>();
            alternate(large, work.resolve("large.bin"), sendLarge, scpLarge,
                    () -> s.ok("send_files", Map.of("member_name", "far", "local_paths", List.of(large.toString())), TRANSFER_WAIT_MS,
                            bench.json),
                    () -> scpOrSftp(concat(List.of("scp", "-q"), master.opts("-P"), List.of(large.toString(), user + "@" + HOST + ":" + work))));
            List<Double> getLarge = new ArrayList<>();
            List<Double> scpBackLarge = new ArrayList<>();
            alternate(large, back.resolve("large.bin"), getLarge, scpBackLarge,
                    () -> s.ok("receive_files", Map.of("member_name", "far", "remote_paths", List.of("large.bin"), "local_dest",
                            back.toString()), TRANSFER_WAIT_MS, bench.json),
                    () -> scpOrSftp(concat(List.of("scp", "-q"), master.opts("-P"),
                            List.of(user + "@" + HOST + ":" + work.resolve("large.bin"), back.toString()))));
            // The same link for a command: execute_command against ssh over the master.
            List<Double> exec = new ArrayList<>();
            List<Double> ssh = new ArrayList<>();
            List<String> echo = concat(List.of("ssh"), master.opts("-p"), List.of(user + "@" + HOST, "echo", "hi"));
            for (int run = 0; run <= FAR_RUNS; run++) {
                long t0 = System.nanoTime();
                JsonNode r = s.ok("execute_command", Map.of("member_name", "far", "command", "echo hi"), WAIT_MS, bench.json);
                double e = ms(System.nanoTime() - t0);
                if (!Bench.RawServer.text(r).contains("hi")) {
                    throw new IllegalStateException("execute_command over the far link: " + Bench.RawServer.text(r));
                }
                double h = sshEcho(echo);
                if (run > 0) {
                    exec.add(e);
                    ssh.add(h);
                }
            }
            Bench.Stats se = Bench.Stats.of(exec);
            Bench.Stats sh = Bench.Stats.of(ssh);
            Bench.Stats sf = Bench.Stats.of(fleet);
            Bench.Stats ss = Bench.Stats.of(scp);
            Bench.Stats rf = Bench.Stats.of(got);
            Bench.Stats rs = Bench.Stats.of(scpBack);
            say(String.format(Locale.ROOT, "  %-48s %s", "execute_command echo hi", se.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "baseline: ssh echo hi over a ControlMaster", sh.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "send_files, 1 KiB", sf.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "baseline: scp over a ControlMaster, 1 KiB", ss.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "receive_files, 1 KiB", rf.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "baseline: scp from the member over a ControlMaster", rs.brief()));
            Bench.Stats lf = Bench.Stats.of(sendLarge);
            Bench.Stats ls = Bench.Stats.of(scpLarge);
            Bench.Stats lg = Bench.Stats.of(getLarge);
            Bench.Stats lb = Bench.Stats.of(scpBackLarge);
            say(String.format(Locale.ROOT, "  %-48s %s  (%.1f MiB/s)", "send_files, " + FAR_LARGE_MB + " MiB", lf.brief(),
                    FAR_LARGE_MB / (lf.median() / 1000)));
            say(String.format(Locale.ROOT, "  %-48s %s  (%.1f MiB/s)", "baseline: scp over a ControlMaster, " + FAR_LARGE_MB + " MiB",
                    ls.brief(), FAR_LARGE_MB / (ls.median() / 1000)));
            say(String.format(Locale.ROOT, "  %-48s %s  (%.1f MiB/s)", "receive_files, " + FAR_LARGE_MB + " MiB", lg.brief(),
                    FAR_LARGE_MB / (lg.median() / 1000)));
            say(String.format(Locale.ROOT, "  %-48s %s  (%.1f MiB/s)", "baseline: scp from the member, " + FAR_LARGE_MB + " MiB",
                    lb.brief(), FAR_LARGE_MB / (lb.median() / 1000)));
            say(String.format(Locale.ROOT, "  (in round trips of %d ms: execute_command %.1f, ssh %.1f, send_files %.1f, scp %.1f, "
                    + "receive_files %.1f, scp back %.1f)", FAR_ROUND_TRIP_MS, se.median() / FAR_ROUND_TRIP_MS,
                    sh.median() / FAR_ROUND_TRIP_MS, sf.median() / FAR_ROUND_TRIP_MS, ss.median() / FAR_ROUND_TRIP_MS,
                    rf.median() / FAR_ROUND_TRIP_MS, rs.median() / FAR_ROUND_TRIP_MS));
            say("");
            bench.summary.add(new Bench.Row("S7 execute_command, member " + FAR_ROUND_TRIP_MS + " ms away", se.median(), "ms",
                    sh.median(), "ssh, ControlMaster, same link", Double.NaN, Double.NaN, Bench.Goal.NONE));
            bench.summary.add(new Bench.Row("S7 send_files 1 KiB, member " + FAR_ROUND_TRIP_MS + " ms away", sf.median(), "ms",
                    ss.median(), "scp, ControlMaster, same link", Double.NaN, Double.NaN, Bench.Goal.NONE));
            bench.summary.add(new Bench.Row("S7 receive_files 1 KiB, member " + FAR_ROUND_TRIP_MS + " ms away", rf.median(), "ms",
                    rs.median(), "scp, ControlMaster, same link", Double.NaN, Double.NaN, Bench.Goal.NONE));
            bench.summary.add(new Bench.Row("S7 send_files " + FAR_LARGE_MB + " MiB, member " + FAR_ROUND_TRIP_MS + " ms away",
                    lf.median(), "ms", ls.median(), "scp, ControlMaster, same link", Double.NaN, Double.NaN, Bench.Goal.NONE));
            bench.summary.add(new Bench.Row("S7 receive_files " + FAR_LARGE_MB + " MiB, member " + FAR_ROUND_TRIP_MS + " ms away",
                    lg.median(), "ms", lb.median(), "scp, ControlMaster, same link", Double.NaN, Double.NaN, Bench.Goal.NONE));
        } finally {
            deleteTree(work);
        }
    }

    /** One copy by fleet or by OpenSSH. */
    private interface Copy {
        void run() throws Exception;
    }

    /**
     * Copies {@code source} to {@code copy} by fleet and by OpenSSH in turns (who goes first
     * alternates), {@link #FAR_RUNS} timed runs each after one untimed; each copy is checked and
     * removed before the next, and the times go to {@code fleetMs} and {@code openSshMs}.
     */
    private void alternate(Path source, Path copy, List<Double> fleetMs, List<Double> openSshMs, Copy byFleet, Copy byOpenSsh)
            throws Exception {
        for (int run = 0; run <= FAR_RUNS; run++) {
            for (int k = 0; k < 2; k++) {
                boolean fleetTurn = (run + k) % 2 == 0;
                Files.deleteIfExists(copy);
                long t0 = System.nanoTime();
                (fleetTurn ? byFleet : byOpenSsh).run();
                double ms = ms(System.nanoTime() - t0);
                checkCopy(source, copy, fleetTurn ? "fleet" : "OpenSSH");
                if (run > 0) {
                    (fleetTurn ? fleetMs : openSshMs).add(ms);
                }
            }
        }
    }

    /** S5. A folder of many small files: send_files vs {@code scp -r} over a ControlMaster, alternating, 3 runs each. */
    private void smallFiles() throws Exception {
        int n = smallFileCount;
        say("== S5. A folder of " + n + " small files (1-8 KiB, 20 subfolders): send_files vs scp -r over a ControlMaster, "
                + "3 runs each, alternating, the copy removed between runs ==");
        Path srcDir = bench.newTempDir("s5-src");
        Path tree = srcDir.resolve("small");
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            Path f = Files.createDirectories(tree.resolve("d" + (i % 20))).resolve("f" + i + ".txt");
            byte[] b = new byte[1024 + random.nextInt(7 * 1024)];
            random.nextBytes(b);
            Files.write(f, b);
            bytes += b.length;
        }
        Path work = home.resolve("fleet-bench-s5");
        Files.createDirectories(work);
        Path data = bench.newTempDir("s5-data");
        try (Master master = new Master("cm5"); Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
            master.open();
            s.ok("register_member", remoteArgs("small", work), WAIT_MS, bench.json);
            List<Double> fleet = new ArrayList<>();
            List<Double> scp = new ArrayList<>();
            for (int run = 0; run < 4; run++) {
                for (int k = 0; k < 2; k++) {
                    boolean fleetTurn = (run + k) % 2 == 0;
                    deleteTree(work.resolve("small"));
                    sync();
                    long t0 = System.nanoTime();
                    if (fleetTurn) {
                        JsonNode r = s.ok("send_files", Map.of("member_name", "small", "local_paths", List.of(tree.toString())),
                                TRANSFER_WAIT_MS, bench.json);
                        if (r.path("structuredContent").path("succeeded").asInt() != n) {
                            throw new IllegalStateException("send_files of the small files: " + Bench.RawServer.text(r).lines().findFirst().orElse(""));
                        }
                    } else {
                        scpOrSftp(concat(List.of("scp", "-q", "-r"), master.opts("-P"), List.of(tree.toString(), user + "@" + HOST + ":" + work)));
                    }
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (run > 0) {
                        (fleetTurn ? fleet : scp).add(sec * 1000);
                    }
                }
            }
            Bench.Stats sf = Bench.Stats.of(fleet);
            Bench.Stats ss = Bench.Stats.of(scp);
            say(String.format(Locale.ROOT, "  %d files, %.1f MiB; the first run of each was a warm-up", n, bytes / MIB));
            say(String.format(Locale.ROOT, "  %-48s %s", "send_files", sf.brief()));
            say(String.format(Locale.ROOT, "  %-48s %s", "baseline: scp -r over a ControlMaster", ss.brief()));
            say("");
            // Throughput ratio: the baseline's time over fleet's.
            bench.summary.add(new Bench.Row("S5 send_files " + n + " small files (files/s)", n / (sf.median() / 1000), "files/s",
                    n / (ss.median() / 1000), "scp -r, ControlMaster", 1.0, Double.NaN, Bench.Goal.RATIO_AT_LEAST));
        } finally {
            deleteTree(work);
        }
    }

    /**
     * S6. Sending only what changed: a folder of {@code resendMb} MiB (16 MiB files) sent once, then
     * again unchanged (target: at most 5 % of the first send's time), then with one file changed
     * (only that file may be sent).
     */
    private void resend() throws Exception {
        int files = Math.max(1, resendMb / 16);
        say("== S6. A folder of " + files + " x 16 MiB: first send_files, again unchanged, again with one file changed ==");
        Path srcDir = bench.newTempDir("s6-src");
        Path tree = srcDir.resolve("big");
        for (int i = 0; i < files; i++) {
            writeRandom(Files.createDirectories(tree.resolve("part" + (i % 4))).resolve("blob" + i + ".bin"), 16 * (long) MIB, 100 + i);
        }
        Path work = home.resolve("fleet-bench-s6");
        Path data = bench.newTempDir("s6-data");
        try (Bench.RawServer s = Bench.RawServer.serve(bench, data, null)) {
            s.ok("register_member", remoteArgs("resend", work), WAIT_MS, bench.json);
            Map<String, Object> args = Map.of("member_name", "resend", "local_paths", List.of(tree.toString()));
            sync();
            long t0 = System.nanoTime();
            JsonNode first = s.ok("send_files", args, TRANSFER_WAIT_MS, bench.json);
            double firstMs = ms(System.nanoTime() - t0);
            long t1 = System.nanoTime();
            JsonNode again = s.ok("send_files", args, TRANSFER_WAIT_MS, bench.json);
            double againMs = ms(System.nanoTime() - t1);
            Path changed = tree.resolve("part1/blob1.bin");
            writeRandom(changed, 16 * (long) MIB, 999);
            long t2 = System.nanoTime();
            JsonNode one = s.ok("send_files", args, TRANSFER_WAIT_MS, bench.json);
            double oneMs = ms(System.nanoTime() - t2);
            checkCopy(changed, work.resolve("big/part1/blob1.bin"), "the changed file");
            JsonNode sc = one.path("structuredContent");
            boolean onlyThatOne = sc.path("succeeded").asInt() == 1 && sc.path("skipped").asInt() == files - 1;
            say(String.format(Locale.ROOT, "  first send: %.0f ms (%d files sent); unchanged: %.0f ms (%d skipped); one changed: %.0f ms "
                            + "(%d sent, %d skipped)", firstMs, first.path("structuredContent").path("succeeded").asInt(), againMs,
                    again.path("structuredContent").path("skipped").asInt(), oneMs, sc.path("succeeded").asInt(), sc.path("skipped").asInt()));
            say("");
            bench.summary.add(new Bench.Row("S6 send_files unchanged " + files * 16 + " MiB folder", againMs, "ms", firstMs,
                    "the first send", 0.05, Double.NaN, Bench.Goal.RATIO_AT_MOST));
            bench.summary.add(new Bench.Row("S6 one file changed: only it sent", onlyThatOne ? 1 : 0, "", 1, "yes = 1",
                    1.0, Double.NaN, Bench.Goal.RATIO_AT_LEAST));
        } finally {
            deleteTree(work);
            deleteTree(tree);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    @FunctionalInterface
    private interface Transfer {
        void send(Path file) throws Exception;
    }

    private static void sendFiles(McpSyncClient client, Path file) {
        McpSchema.CallToolResult r = client.callTool(call("send_files",
                Map.of("member_name", "xfer", "local_paths", List.of(file.toString()))));
        String text = text(r);
        if (Boolean.TRUE.equals(r.isError()) || !text.contains("Sent 1 of 1")) {
            throw new IllegalStateException("send_files failed: " + text);
        }
    }

    private void scpOrSftp(List<String> command) throws Exception {
        Proc r = runQuiet(command, TRANSFER_WAIT_MS);
        if (r.exit != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit " + r.exit + tail(clientLog));
        }
    }

    private static void checkCopy(Path source, Path copy, String tool) throws IOException {
        if (!Files.isRegularFile(copy) || Files.size(copy) != Files.size(source) || Files.mismatch(source, copy) != -1) {
            throw new IllegalStateException(tool + ": the copy " + copy + " differs from " + source);
        }
    }

    /** Pseudo-random bytes (incompressible, so neither side gains from compression), 1 MiB at a time. */
    private static void writeRandom(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(buf, 0, (int) Math.min(buf.length, size - done));
            }
        }
    }

    /** Flushes earlier writes so that one run's write-back does not land in the next run's time. */
    private void sync() throws IOException {
        runQuiet(List.of("sync"), 120_000);
    }

    // ---------------------------------------------------------------- helpers

    private void registerRemote(McpSyncClient client, String name, Path folder) {
        McpSchema.CallToolResult r = client.callTool(call("register_member", remoteArgs(name, folder)));
        if (Boolean.TRUE.equals(r.isError())) {
            throw new IllegalStateException("register_member " + name + " (remote) failed: " + text(r));
        }
    }

    private record Proc(int exit, String out, double ms) {
    }

    /** Runs a command with stdin and stdout on /dev/null and stderr to the client log; bounded. */
    private Proc runQuiet(List<String> command, long timeoutMs) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(clientLog != null ? ProcessBuilder.Redirect.appendTo(clientLog.toFile()) : ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            return finish(p, t0, timeoutMs, false);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0));
        }
    }

    /**
     * Waits for {@code p} (and, when {@code readOut}, for all of its stdout) within the timeout; the
     * process is ended when it does not finish. Stdout is read on another thread, so a background
     * child that keeps the pipe open cannot hang the bench.
     */
    private Proc finish(Process p, long startNanos, long timeoutMs, boolean readOut) throws InterruptedException {
        CompletableFuture<String> out = readOut
                ? CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = p.getInputStream()) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, readers)
                : CompletableFuture.completedFuture("");
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException(p.info().command().orElse("a process") + " did not finish within " + timeoutMs + " ms");
        }
        String text;
        try {
            text = out.get(Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("a process exited but something kept its stdout open (a forked ssh master?)");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reading a process's output failed: " + e.getCause());
        }
        long end = System.nanoTime();
        return new Proc(p.exitValue(), text, ms(end - startNanos));
    }

    private String firstLine(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            return finish(p, System.nanoTime(), WAIT_MS, true).out.lines().findFirst().orElse("?");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "?";
        }
    }

    /** The tool on PATH, else in /usr/sbin (where sshd usually is), else null. */
    private static String which(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/sbin");
        dirs.add("/usr/bin");
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        return null;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = log != null && Files.exists(log) ? Files.readAllLines(log) : List.of();
            return lines.isEmpty() ? "" : "\n--- ssh client / script stderr (last lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }
}
