package dev.fleet.daemon;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetCommand;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon behind the relays, with the built jar in separate processes: sharing, crashes,
 * stale and unsafe sockets, version mismatches, start races and the life-cycle commands.
 */
class DaemonIT {
    private static final Pattern PID = Pattern.compile("pid (\\d+)");

    @TempDir
    Path tmp;
    TestHome home;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        home = new TestHome(tmp);
        env = home.env();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        FleetCommand.stopDaemon(env);
    }

    /** This build's jar copied under an older date: to fleet, another build. */
    private Path olderBuild() throws Exception {
        Path otherDir = Files.createDirectories(tmp.resolve("older-build"));
        Path jar = Path.of(System.getProperty("fleet.jar")).toAbsolutePath();
        Path otherJar = Files.copy(jar, otherDir.resolve("fleet.jar"));
        Files.setLastModifiedTime(otherJar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 3_600_000));
        Files.createSymbolicLink(otherDir.resolve("lib"), jar.resolveSibling("lib"));
        return otherJar;
    }

    private long daemonPid() throws Exception {
        FleetCommand.Run status = FleetCommand.run(env, "daemon", "status");
        assertThat(status.exit()).as(status.out() + status.err()).isZero();
        Matcher m = PID.matcher(status.out());
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private String daemonLog() throws Exception {
        Path log = home.dataDir().resolve("daemon.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void relaysInSeparateProcessesShareOneDaemonAndOneSshConnectionPerMember() throws Exception {
        try (TestSshServer sshd = new TestSshServer(home, tmp.resolve("sshd"), tmp.resolve("member-home")).start();
             FleetServer a = new FleetServer(env, true);
             FleetServer b = new FleetServer(env, true);
             FleetServer c = new FleetServer(env, true)) {
            List<FleetServer> relays = List.of(a, b, c);
            relays.forEach(r -> r.client().initialize());
            McpSchema.CallToolResult reg = a.call("register_member", "friendly_name", "shared", "member_type", "remote",
                    "host", "127.0.0.1", "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                    "password", TestSshServer.PASSWORD, "work_folder", tmp.resolve("member-home/work").toString());
            assertThat(reg.isError()).as(text(reg)).isFalse();
            assertThat(text(c.call("list_members"))).as("every relay sees the same registry").contains("shared");

            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<CompletableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    FleetServer relay = relays.get(i % 3);
                    String marker = "call-" + i;
                    calls.add(CompletableFuture.supplyAsync(() -> text(relay.call("execute_command", "member_name", "shared",
                            "command", "sleep 0.2; echo " + marker)), pool));
                }
                for (int i = 0; i < calls.size(); i++) {
                    assertThat(calls.get(i).get(120, TimeUnit.SECONDS)).contains("Exit code 0", "call-" + i);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(sshd.sessions()).as("one pooled SSH connection to the member for all relays").isEqualTo(1);
            FleetCommand.Run status = FleetCommand.run(env, "daemon", "status");
            assertThat(status.out()).contains("clients: 3");
            assertThat(count(daemonLog(), "serving")).as("one daemon started").isEqualTo(1);
        }
    }

    @Test
    void oneIdleWatcherDecidesEachCycleWhateverTheNumberOfRelays() throws Exception {
        try (SimulatedCloud cloud = new SimulatedCloud(tmp.resolve("cloud"), 71)) {
            cloud.machine("i-0d0d0d0d0d0d0d0d1", "t3.small", FakeEc2.State.STOPPED);
            env = cloud.env();
            env.put("FLEET_IDLE_CHECK_SECONDS", "1");
            home = cloud.home;
            try (FleetServer a = new FleetServer(env, true);
                 FleetServer b = new FleetServer(env, true);
                 FleetServer c = new FleetServer(env, true)) {
                List.of(a, b, c).forEach(r -> r.client().initialize());
                McpSchema.CallToolResult reg = a.call("register_member", "friendly_name", "trainer", "member_type", "remote",
                        "username", TestSshServer.USER, "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("w").toString(),
                        "cloud_provider", "aws", "cloud_instance_id", "i-0d0d0d0d0d0d0d0d1", "cloud_ssh_key_path", cloud.key.toString());
                assertThat(text(reg)).contains("is stopped");
                makeIdleForAnHour(cloud.home.dataDir().resolve("registry.json"));

                await().atMost(Duration.ofSeconds(30)).until(() -> daemonLog().contains("idle check trainer"));
                int before = cloud.ec2.requests("DescribeInstances");
                long start = System.nanoTime();
                Thread.sleep(5_000); // a fixed window is the measurement here: cycles counted over real time
                int describes = cloud.ec2.requests("DescribeInstances") - before;
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
                assertThat(describes).as("one watcher, one check per 1 s cycle, with three relays connected")
                        .isBetween(2, (int) seconds + 1);
            }
        }
    }

    @Test
    void anIdleDaemonStaysUpWhileACloudInstanceRunsAndExitsOnceItIsStopped() throws Exception {
        try (SimulatedCloud cloud = new SimulatedCloud(tmp.resolve("cloud"), 73)) {
            cloud.machine("i-0d0d0d0d0d0d0d0d3", "t3.small", FakeEc2.State.RUNNING);
            env = cloud.env();
            env.put("FLEET_DAEMON_IDLE_EXIT", "2s");
            home = cloud.home;
            FleetServer fleet = new FleetServer(env, true);
            fleet.client().initialize();
            McpSchema.CallToolResult reg = fleet.call("register_member", "friendly_name", "trainer", "member_type", "remote",
                    "username", TestSshServer.USER, "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("w").toString(),
                    "cloud_provider", "aws", "cloud_instance_id", "i-0d0d0d0d0d0d0d0d3", "cloud_ssh_key_path", cloud.key.toString());
            assertThat(reg.isError()).as(text(reg)).isFalse();
            fleet.disconnect();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> daemonLog().contains("staying up for the idle watcher: cloud member trainer is running"));
            assertThat(FleetCommand.run(env, "daemon", "status").exit()).as("still running with no client").isZero();

            FleetCommand.Run stop = FleetCommand.run(env, "call", "cloud_control", "{\"member_name\":\"trainer\",\"action\":\"stop\"}");
            assertThat(stop.exit()).as(stop.out() + stop.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> FleetCommand.run(env, "daemon", "status").exit() == 3);
            assertThat(daemonLog()).contains("no clients for 2 s");
        }
    }

    @Test
    void theRelayLoadsNoneOfTheServersMachineryAndMalformedSettingsAreNamed() throws Exception {
        env.put("FLEET_STANDALONE", "yes");
        env.put("FLEET_DAEMON_IDLE_EXIT", "soon");
        Path classes = tmp.resolve("relay-classes.log");
        Path script = Files.writeString(tmp.resolve("client.jsonl"), String.join("\n",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}") + "\n");
        Path relayOut = relayOnce(script, "relay", "-Xlog:class+load=info:file=" + classes, "-jar",
                FleetServer.relayJar(System.getProperty("fleet.jar")), "serve");
        assertThat(Files.readString(relayOut)).as("tools/list answered through the daemon")
                .contains("\"id\":2", "execute_command");
        assertThat(Files.readString(tmp.resolve("relay.err")))
                .contains("FLEET_STANDALONE='yes' is not 1 or 0; relaying to the fleet daemon");
        String loaded = Files.readString(classes);
        assertThat(loaded).contains("dev.fleet.daemon.Relay ")
                .doesNotContain("io.modelcontextprotocol.", "com.fasterxml.jackson.databind.", "org.apache.sshd.",
                        "software.amazon.", "reactor.", "picocli.", "dev.fleet.Fleet ", "dev.fleet.mcp.", "dev.fleet.tools.",
                        "dev.fleet.exec.");
        assertThat(daemonLog()).as("the daemon reports its own settings")
                .contains("FLEET_DAEMON_IDLE_EXIT='soon' is not 0 or a whole number with s, m or h");

        // The small jar's relay started that daemon from fleet.jar; a relay from the full jar is the same build.
        long daemon = daemonPid();
        Path fullOut = relayOnce(script, "full", "-jar", System.getProperty("fleet.jar"), "serve");
        assertThat(Files.readString(fullOut)).contains("\"id\":2", "execute_command");
        assertThat(daemonPid()).as("both jars name the same build, so the daemon is kept").isEqualTo(daemon);
        assertThat(daemonLog()).doesNotContain("stopping the fleet daemon");

        FleetCommand.Run refused = FleetCommand.run(env, "daemon", "--idle-exit", "soon");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--idle-exit", "'soon' is not 0 or a whole number with s, m or h");
    }

    /** One relay process fed {@code script}, run until its input is answered; its stdout (stderr beside it as NAME.err). */
    private Path relayOnce(Path script, String name, String... javaArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(FleetCommand.java()));
        cmd.addAll(List.of(javaArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectInput(script.toFile());
        Path out = tmp.resolve(name + ".out");
        pb.redirectOutput(out.toFile());
        pb.redirectError(tmp.resolve(name + ".err").toFile());
        Process relay = pb.start();
        assertThat(relay.waitFor(120, TimeUnit.SECONDS)).as("the relay ends once its input is answered").isTrue();
        return out;
    }

    private static void makeIdleForAnHour(Path registry) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(registry.toFile());
        root.get("agents").forEach(m -> ((ObjectNode) m).put("createdAt", "2020-01-01T00:00:00Z").put("lastUsed", "2020-01-01T00:00:00Z"));
        Path next = registry.resolveSibling("registry.json.test");
        json.writeValue(next.toFile(), root);
        Files.move(next, registry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aKilledDaemonFailsItsCallsClearlyAndTheNextCallStartsANewOneOnTheSameRegistry() throws Exception {
        try (FleetServer fleet = new FleetServer(env, true)) {
            fleet.client().initialize();
            assertThat(text(fleet.call("register_member", "friendly_name", "keep", "member_type", "local",
                    "work_folder", tmp.resolve("w").toString()))).contains("Registered");
            long first = daemonPid();

            CompletableFuture<McpSchema.CallToolResult> slow = CompletableFuture.supplyAsync(() ->
                    fleet.call("execute_command", "member_name", "keep", "command", "sleep 60"));
            await().atMost(Duration.ofSeconds(30)).until(() -> FleetCommand.run(env, "daemon", "status").out().contains("calls in flight: 1"));
            ProcessHandle.of(first).orElseThrow().destroyForcibly();

            assertThatThrownBy(() -> slow.get(60, TimeUnit.SECONDS))
                    .hasMessageContaining("fleet daemon stopped while this call was running");
            assertThat(Files.exists(home.dataDir().resolve("fleet.sock"))).as("the dead daemon's socket file is left").isTrue();

            McpSchema.CallToolResult after = fleet.call("list_members");
            assertThat(text(after)).as("registry intact, served by a new daemon").contains("keep");
            assertThat(daemonPid()).isNotEqualTo(first);
            assertThat(daemonLog()).contains("replacing a stale socket file");
        }
    }

    @Test
    void aClientWhoseDaemonMustStartIsAnsweredFromTheLastSessionsRecordWhichTheDaemonThenConfirms() throws Exception {
        List<McpSchema.Tool> tools;
        try (FleetServer fleet = new FleetServer(env, true)) {
            fleet.client().initialize();
            tools = fleet.client().listTools().tools();
        }
        Path record;
        try (Stream<Path> files = Files.list(home.dataDir())) {
            record = files.filter(f -> f.getFileName().toString().startsWith("relay-welcome-")).findFirst().orElseThrow(
                    () -> new AssertionError("the session's first answers were not recorded"));
        }

        // The daemon stopped with the last client; the next one gets the recorded answers and its calls work.
        try (FleetServer fleet = new FleetServer(env, true)) {
            fleet.client().initialize();
            assertThat(fleet.client().listTools().tools()).isEqualTo(tools);
            assertThat(text(fleet.call("list_members"))).doesNotContain("error");
        }
        assertThat(record).as("the daemon confirmed the record: its initialize and tools are the recorded ones").exists();

        // A record that says more than the daemon: the client sees it first, then the daemon's own list.
        List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        lines.set(2, lines.get(2).replaceFirst("^\\{\"tools\":\\[",
                "{\"tools\":[{\"name\":\"from_the_record\",\"description\":\"x\",\"inputSchema\":{\"type\":\"object\"}},"));
        Files.write(record, lines, StandardCharsets.UTF_8);
        try (FleetServer fleet = new FleetServer(env, true)) {
            fleet.client().initialize();
            assertThat(fleet.client().listTools().tools()).extracting(McpSchema.Tool::name).contains("from_the_record");
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(record));
            assertThat(fleet.client().listTools().tools()).isEqualTo(tools);
        }
    }

    @Test
    void aSocketOthersCouldOpenIsRefusedUntilTheDaemonIsRestarted() throws Exception {
        try (FleetServer first = new FleetServer(env, true)) {
            first.client().initialize();
            Path socket = home.dataDir().resolve("fleet.sock");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.dataDir()))).isEqualTo("rwx------");
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            FleetCommand.Run doctor = FleetCommand.run(env, "doctor");
            assertThat(doctor.exit()).isEqualTo(1);
            assertThat(doctor.out()).contains("can be opened by other users", "fix: fleet daemon restart");

            FleetServer refused = new FleetServer(env, true);
            try {
                assertThatThrownBy(() -> refused.client().initialize())
                        .hasStackTraceContaining("can be opened by other users");
            } finally {
                refused.disconnect();
            }
            FleetCommand.Run restart = FleetCommand.run(env, "daemon", "restart");
            assertThat(restart.exit()).as(restart.out() + restart.err()).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            try (FleetServer again = new FleetServer(env, true)) {
                again.client().initialize();
                assertThat(text(again.call("list_members"))).contains("No members");
            }
        }
    }

    @Test
    void aDaemonOfAnotherBuildIsRefusedWhileInUseAndReplacedOnceUnused() throws Exception {
        Path otherJar = olderBuild();

        FleetServer old = new FleetServer(env, true, otherJar.toString());
        old.client().initialize();
        long oldPid = daemonPid();
        FleetServer refused = new FleetServer(env, true);
        try {
            assertThatThrownBy(() -> refused.client().initialize())
                    .hasStackTraceContaining("does not mix versions").hasStackTraceContaining("1 other client");
        } finally {
            refused.disconnect();
        }
        assertThat(ProcessHandle.of(oldPid)).as("the daemon in use keeps running").isPresent();
        assertThat(FleetCommand.run(env, "doctor").out()).contains("running, pid " + oldPid, "the daemon runs build",
                "relays restart it once no client uses it");

        old.disconnect();
        await().atMost(Duration.ofSeconds(30)).until(() -> FleetCommand.run(env, "daemon", "status").out().contains("clients: 0"));
        try (FleetServer current = new FleetServer(env, true)) {
            current.client().initialize();
            assertThat(text(current.call("list_members"))).contains("No members");
            FleetCommand.Run status = FleetCommand.run(env, "daemon", "status");
            Matcher mine = Pattern.compile("this fleet: (\\S+)").matcher(status.out());
            assertThat(mine.find()).isTrue();
            assertThat(status.out()).contains("build " + mine.group(1) + ",");
            assertThat(daemonPid()).isNotEqualTo(oldPid);
        }
    }

    /**
     * A daemon the user started with options of their own (an HTTP endpoint, a service install's
     * "never exit"), replaced by a relay of a newer build once no client uses it: the new daemon
     * runs with the same options. Before, it got the defaults: its HTTP port was free for anyone
     * to take, and clients kept sending their bearer token there.
     */
    @Test
    void aDaemonReplacedByANewerBuildKeepsTheOptionsItWasStartedWith() throws Exception {
        Path otherJar = olderBuild();
        FleetCommand.Run started = FleetCommand.run(env, Duration.ofSeconds(90), otherJar.toString(), "daemon", "restart",
                "--idle-exit", "7m");
        assertThat(started.out()).as(started.err()).contains("fleet daemon started");
        long oldPid = daemonPid();
        assertThat(DaemonLock.read(home.dataDir().resolve("daemon.lock")).options()).containsExactly("--idle-exit", "420s");

        try (FleetServer current = new FleetServer(env, true)) {
            current.client().initialize();
            assertThat(daemonPid()).isNotEqualTo(oldPid);
            assertThat(DaemonLock.read(home.dataDir().resolve("daemon.lock")).options()).containsExactly("--idle-exit", "420s");
        }
    }

    /**
     * A daemon serving HTTP, killed (kill -9, as the OOM killer would): the daemon the next client's
     * relay starts serves the same address again. Before, it ran with the defaults, and the port
     * was free for anyone to take while HTTP clients kept sending their bearer token there. After
     * an orderly stop, the next daemon has the defaults, as documented.
     */
    @Test
    void aDaemonKilledWhileServingHttpIsFollowedByOneOnTheSameAddressAndAStoppedOneByTheDefaults() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        FleetCommand.Run started = FleetCommand.run(env, "daemon", "restart", "--http", address, "--idle-exit", "7m");
        assertThat(started.out()).as(started.err()).contains("fleet daemon started");
        long killed = daemonPid();
        ProcessHandle handle = ProcessHandle.of(killed).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(30, TimeUnit.SECONDS);
        Path lock = home.dataDir().resolve("daemon.lock");
        assertThat(DaemonLock.read(lock).stopped()).as("a killed daemon's record is not marked stopped").isFalse();

        try (FleetServer fleet = new FleetServer(env, true)) {
            fleet.client().initialize();
            assertThat(daemonPid()).isNotEqualTo(killed);
            assertThat(FleetCommand.run(env, "daemon", "status").out()).contains("http: http://" + address);
            assertThat(DaemonLock.read(lock).options()).containsExactly("--http", address, "--idle-exit", "420s");
        }
        // Closing that client stopped the daemon ('fleet daemon stop').
        assertThat(DaemonLock.read(lock).stopped()).isTrue();
        try (FleetServer fleet = new FleetServer(env, true)) {
            fleet.client().initialize();
            assertThat(FleetCommand.run(env, "daemon", "status").out()).contains("http: off");
            assertThat(DaemonLock.read(lock).options()).doesNotContain("--http");
        }
    }

    @Test
    void aSecondDaemonStartedByHandRefusesAndRacingRelaysEndWithOneDaemon() throws Exception {
        List<FleetServer> racing = List.of(new FleetServer(env, true), new FleetServer(env, true));
        try {
            List<CompletableFuture<McpSchema.InitializeResult>> inits = racing.stream()
                    .map(r -> CompletableFuture.supplyAsync(() -> r.client().initialize())).toList();
            for (CompletableFuture<McpSchema.InitializeResult> i : inits) {
                assertThat(i.get(120, TimeUnit.SECONDS).serverInfo().name()).isEqualTo("apra-fleet");
            }
            assertThat(count(daemonLog(), "serving")).as("one daemon serves").isEqualTo(1);
            assertThat(FleetCommand.run(env, "daemon", "status").out()).contains("clients: 2");

            FleetCommand.Run second = FleetCommand.run(env, Duration.ofSeconds(60), System.getProperty("fleet.jar"), "daemon");
            assertThat(second.exit()).isEqualTo(1);
            assertThat(second.err()).contains("a fleet daemon already runs", "pid " + daemonPid());
            // The installed service's daemon, started while a relay's serves: success, so the
            // service manager does not start it again every few seconds.
            FleetCommand.Run service = FleetCommand.run(env, Duration.ofSeconds(60), System.getProperty("fleet.jar"), "daemon", "--service");
            assertThat(service.exit()).as(service.err()).isZero();
            assertThat(service.err()).contains("a fleet daemon already runs", "this service's daemon leaves it serving and ends");
        } finally {
            racing.forEach(FleetServer::disconnect);
        }
    }

    @Test
    void aDataDirTooLongForASocketIsNamedAndLeavesNoSocketBehind() throws Exception {
        // A Unix socket path holds at most about 107 bytes.
        Path deep = tmp.resolve("d".repeat(60)).resolve("e".repeat(60));
        Map<String, String> longEnv = new HashMap<>(env);
        longEnv.put("APRA_FLEET_DATA_DIR", deep.toString());

        FleetCommand.Run run = FleetCommand.run(longEnv, Duration.ofSeconds(60), System.getProperty("fleet.jar"), "daemon");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("fleet: the daemon cannot start: cannot listen on " + deep.resolve("fleet.sock"),
                "a shorter APRA_FLEET_DATA_DIR helps").doesNotContain("Exception", "\tat ");
        try (Stream<Path> files = Files.list(deep)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.startsWith("fleet.sock"));
        }
    }

    @Test
    void stopAndStatusBeforeAnyDaemonRanSayNotRunningAndMakeNoDataDir() throws Exception {
        Path none = tmp.resolve("never-used");
        Map<String, String> fresh = new HashMap<>(env);
        fresh.put("APRA_FLEET_DATA_DIR", none.toString());

        FleetCommand.Run stop = FleetCommand.run(fresh, "daemon", "stop");
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("not running");
        assertThat(stop.err()).doesNotContain("Exception");
        assertThat(FleetCommand.run(fresh, "daemon", "status").out()).contains("not running");
        assertThat(none).doesNotExist();
    }

    @Test
    void theDaemonExitsOnItsOwnWhenIdleAndTheLifeCycleCommandsWork() throws Exception {
        env.put("FLEET_DAEMON_IDLE_EXIT", "2s");
        FleetServer fleet = new FleetServer(env, true);
        fleet.client().initialize();
        assertThat(text(fleet.call("list_members"))).contains("No members");
        fleet.disconnect();
        await().atMost(Duration.ofSeconds(60)).until(() -> FleetCommand.run(env, "daemon", "status").exit() == 3);
        assertThat(daemonLog()).contains("no clients for 2 s");
        assertThat(Files.exists(home.dataDir().resolve("fleet.sock"))).as("a clean exit removes its socket").isFalse();

        env.put("FLEET_DAEMON_IDLE_EXIT", "0");
        FleetCommand.Run restart = FleetCommand.run(env, "daemon", "restart", "--idle-exit", "10m");
        assertThat(restart.exit()).as(restart.out() + restart.err()).isZero();
        assertThat(restart.out()).contains("fleet daemon started", "--idle-exit 600s");
        long pid = daemonPid();
        assertThat(FleetCommand.run(env, "doctor").out()).contains("running, pid " + pid + ", 0 client(s), 0 call(s) in flight")
                .doesNotContain("the daemon runs build");
        FleetCommand.Run restartAgain = FleetCommand.run(env, "daemon", "restart");
        assertThat(restartAgain.out()).as("keeps the options it had").contains("--idle-exit 600s");
        assertThat(daemonPid()).isNotEqualTo(pid);
        FleetCommand.Run stop = FleetCommand.run(env, "daemon", "stop");
        assertThat(stop.out()).contains("fleet daemon stopped");
        assertThat(FleetCommand.run(env, "daemon", "status").out()).contains("not running");
        assertThat(FleetCommand.run(env, "doctor").out()).contains("no daemon running", "the first fleet serve starts one");
    }
}
