package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.settings.RelaySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay against a scripted daemon on a real Unix socket. A relay whose daemon must first start
 * answers the client's initialize and tools/list from what a daemon of the same build answered
 * before, checks them against the daemon once it is up, and records them from every real session;
 * and a relay that finds the daemon stopping starts the next one with the options it ran with.
 */
class RelayTest {
    private static final String BUILD = "9.9.9+test";
    private static final String VERSION = "2025-06-18";
    private static final String INIT = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true}},"
            + "\"serverInfo\":{\"name\":\"fleet\",\"version\":\"9.9.9\"}}";
    private static final String TOOLS = "{\"tools\":[{\"name\":\"list_members\",\"description\":\"Lists \\\"members\\\"\","
            + "\"inputSchema\":{\"type\":\"object\"}}]}";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
            + VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_members\"}}";

    @TempDir
    Path tmp;
    DaemonPaths paths;
    ClientEnd client;
    ScriptedDaemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        paths = new DaemonPaths(Files.createDirectories(tmp.resolve("data")));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void whileTheDaemonStartsTheClientIsAnsweredFromTheRecordAndEverythingElseWaitsForTheDaemon() throws Exception {
        new RelayWelcome(BUILD, VERSION, bytes(INIT), bytes(TOOLS)).write(paths);
        client = ClientEnd.start(paths, true);

        client.send(INITIALIZE);
        assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");
        client.send(INITIALIZED);
        client.send(TOOLS_LIST);
        assertThat(client.next()).as("no daemon exists yet").isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":" + TOOLS + "}");

        client.send(CALL);
        assertThat(client.poll(300)).as("a call waits for the daemon").isNull();
        daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
        assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[]}}");

        // The daemon got the client's handshake once, in order, and was asked for its tools by the relay.
        awaitReceived(4);
        assertThat(daemon.received().get(0)).isEqualTo(INITIALIZE);
        assertThat(daemon.received().get(1)).isEqualTo(INITIALIZED);
        assertThat(daemon.received().subList(2, 4)).anyMatch(l -> l.equals(CALL))
                .anyMatch(l -> l.contains("\"method\":\"tools/list\"") && l.contains("fleet-relay-tools-check"));
        assertThat(daemon.received()).hasSize(4);
        assertThat(client.poll(300)).as("the relay's own check is not passed on; the tools were the same").isNull();
        assertThat(client.log()).doesNotContain("reconnected");
    }

    @Test
    void toolsThatDifferFromTheRecordAreAnnouncedAsChangedAndTheRecordIsDropped() throws Exception {
        new RelayWelcome(BUILD, VERSION, bytes(INIT), bytes(TOOLS)).write(paths);
        client = ClientEnd.start(paths, true);
        client.send(INITIALIZE);
        client.next();
        client.send(INITIALIZED);
        client.send(TOOLS_LIST);
        client.next();

        String otherTools = "{\"tools\":[]}";
        daemon = ScriptedDaemon.start(paths, BUILD, INIT, otherTools);
        assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}");
        assertThat(paths.welcome(VERSION)).doesNotExist();
        client.send(TOOLS_LIST.replace("\"id\":2", "\"id\":4"));
        assertThat(client.next()).as("asked again, the daemon answers").isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":" + otherTools + "}");
    }

    @Test
    void aDaemonThatAnswersInitializeOtherwiseHasTheRecordRemoved() throws Exception {
        new RelayWelcome(BUILD, VERSION, bytes(INIT), bytes(TOOLS)).write(paths);
        client = ClientEnd.start(paths, true);
        client.send(INITIALIZE);
        assertThat(client.next()).contains(INIT);
        client.send(INITIALIZED);

        daemon = ScriptedDaemon.start(paths, BUILD, INIT.replace("9.9.9", "9.9.10"), TOOLS);
        client.send(CALL);
        assertThat(client.next()).contains("\"id\":3");
        assertThat(paths.welcome(VERSION)).doesNotExist();
        assertThat(client.log()).contains("answered initialize otherwise than recorded");
    }

    @Test
    void aClientThatLeavesWhileTheDaemonStartsDoesNotCutTheStartShort() throws Exception {
        new RelayWelcome(BUILD, VERSION, bytes(INIT), bytes(TOOLS)).write(paths);
        client = ClientEnd.start(paths, true);
        client.send(INITIALIZE);
        client.next();
        client.stdinClosed();
        Thread.sleep(300);
        assertThat(client.pumping()).as("the relay waits for the daemon it is connecting to").isTrue();

        daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
        client.awaitEnd();
        assertThat(client.pumping()).isFalse();
        assertThat(daemon.received()).as("nothing is replayed for a client that has gone").isEmpty();
    }

    @Test
    void aRealSessionIsRecordedPrivatelyAndARecordOfAnotherBuildOrVersionIsNotUsed() throws Exception {
        daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
        client = ClientEnd.start(paths, false);
        client.send(INITIALIZE);
        assertThat(client.next()).contains(INIT);
        client.send(INITIALIZED);
        client.send(TOOLS_LIST);
        assertThat(client.next()).contains(TOOLS);
        client.close();
        client = null;

        RelayWelcome recorded = RelayWelcome.read(paths, BUILD, VERSION);
        assertThat(recorded).isNotNull();
        assertThat(recorded.sameAs(new RelayWelcome(BUILD, VERSION, bytes(INIT), bytes(TOOLS)))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.welcome(VERSION)))).isEqualTo("rw-------");
        assertThat(RelayWelcome.read(paths, "another+build", VERSION)).isNull();
        try (var files = Files.list(paths.dataDir())) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("fleet.sock", "relay-welcome-" + VERSION);
        }

        // The daemon is gone; a client asking for another protocol version waits for the new one.
        daemon.close();
        Files.delete(paths.socket());
        client = ClientEnd.start(paths, true);
        client.send(INITIALIZE.replace(VERSION, "2024-11-05"));
        assertThat(client.poll(300)).as("not answered from a record of another version").isNull();
        daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
        assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");
    }

    /**
     * Two relays of a new build race to retire an old daemon: the loser finds it already stopping
     * (refused, "stopping"), waits for it to go and, if it is the one to start the next daemon,
     * starts it with the options the old one ran with (its HTTP endpoint), read from its lock file.
     * The daemon is started through a launcher that only records how it was called.
     */
    @Test
    void aRelayThatFindsTheDaemonStoppingStartsTheNextWithTheOptionsItRanWith() throws Exception {
        Files.writeString(paths.lock(), "pid 4242\nbuild 0.9+old\noption --http\noption 127.0.0.1:8765\n");
        Path calls = tmp.resolve("launcher-calls");
        Path launcher = tmp.resolve("fleet");
        Files.writeString(launcher, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        ScriptedDaemon stopping = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS).refusing("stopping");
        String before = System.getProperty("fleet.launcher");
        System.setProperty("fleet.launcher", launcher.toString());
        try {
            client = ClientEnd.start(paths, false);
            client.send(INITIALIZE);
            Thread.sleep(300);
            // The old daemon goes; the relay starts the next one through the launcher.
            stopping.close();
            Files.delete(paths.socket());
            for (int i = 0; i < 200 && !Files.exists(calls); i++) {
                Thread.sleep(50);
            }
            assertThat(calls).as("the relay started a daemon; relay log: " + client.log()).exists();
            assertThat(Files.readString(calls).strip()).isEqualTo("daemon --http 127.0.0.1:8765");
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
            assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");
        } finally {
            if (before == null) {
                System.clearProperty("fleet.launcher");
            } else {
                System.setProperty("fleet.launcher", before);
            }
        }
    }

    /**
     * A daemon that goes away (stopped, or killed) while requests that change nothing are on
     * their way: those are sent again to the next daemon, so a client started just then gets its
     * handshake and its tools; a tool call, which may have done part of its work, is answered with
     * the error instead. Before, the client's initialize was answered with -32000.
     */
    @Test
    void requestsThatChangeNothingGoToTheNextDaemonWhenTheirsGoesAwayAndAToolCallGetsTheError() throws Exception {
        Path calls = tmp.resolve("launcher-calls");
        withLauncher(launcher(calls, ""), () -> {
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS).silent();
            client = ClientEnd.start(paths, false);
            client.send(INITIALIZE);
            awaitReceived(1);
            daemon.vanish();
            awaitLines(calls, 1);
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
            assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");

            daemon.silent();
            client.send(INITIALIZED);
            client.send(TOOLS_LIST);
            client.send(CALL);
            awaitReceived(4);
            daemon.vanish();
            assertThat(client.next()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":")
                    .contains("stopped while this call was running");
            awaitLines(calls, 2);
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
            assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":" + TOOLS + "}");
            assertThat(daemon.received()).as("the handshake, then the listing; the tool call is not sent again")
                    .containsExactly(INITIALIZE, INITIALIZED, TOOLS_LIST);
            assertThat(client.log()).contains("sending 1 call(s) that change nothing to a new one");
        });
    }

    /**
     * The daemon a relay starts where none runs: with the options of the last one if that one was
     * killed (its record is not marked stopped), so a configured HTTP port is served again rather
     * than left free; with the defaults after an orderly stop.
     */
    @Test
    void aDaemonStartedAfterOneWasKilledTakesItsOptionsAndOneAfterAnOrderlyStopTheDefaults() throws Exception {
        String record = "pid 4242\nbuild " + BUILD + "\noption --http\noption 127.0.0.1:8765\noption --idle-exit\noption 420s\n";
        Files.writeString(paths.lock(), record);
        Path calls = tmp.resolve("launcher-calls");
        withLauncher(launcher(calls, ""), () -> {
            client = ClientEnd.start(paths, false);
            client.send(INITIALIZE);
            awaitLines(calls, 1);
            assertThat(Files.readAllLines(calls)).containsExactly("daemon --http 127.0.0.1:8765 --idle-exit 420s");
            assertThat(client.log()).contains("the last fleet daemon (pid 4242) ended without stopping");
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
            assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");
            daemon.vanish();
            client.close();

            Files.writeString(paths.lock(), record + "stopped\n");
            client = ClientEnd.start(paths, false);
            client.send(INITIALIZE);
            awaitLines(calls, 2);
            assertThat(Files.readAllLines(calls).get(1)).isEqualTo("daemon");
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
            assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");
        });
    }

    /**
     * The killed daemon's options no longer work (its HTTP port was taken meanwhile): the next
     * daemon starts with the defaults, so the client is served, and the reason is named.
     */
    @Test
    void whenAKilledDaemonsOptionsCannotStartTheNextDaemonHasTheDefaults() throws Exception {
        Files.writeString(paths.lock(), "pid 4242\nbuild " + BUILD + "\noption --http\noption 127.0.0.1:8765\n");
        Path calls = tmp.resolve("launcher-calls");
        String refuseHttp = "case \"$*\" in *--http*) echo 'fleet: the daemon cannot start: Address already in use'; exit 1;; esac\n";
        withLauncher(launcher(calls, refuseHttp), () -> {
            client = ClientEnd.start(paths, false);
            client.send(INITIALIZE);
            awaitLines(calls, 2);
            assertThat(Files.readAllLines(calls)).containsExactly("daemon --http 127.0.0.1:8765", "daemon");
            daemon = ScriptedDaemon.start(paths, BUILD, INIT, TOOLS);
            assertThat(client.next()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + INIT + "}");
            assertThat(client.log()).contains("Address already in use", "starting it with the default options instead");
        });
    }

    /** A stand-in for the fleet launcher: records each call's arguments in {@code calls}, then runs {@code then}. */
    private Path launcher(Path calls, String then) throws IOException {
        Path launcher = tmp.resolve("fleet");
        Files.writeString(launcher, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + calls + "'\n" + then);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        return launcher;
    }

    private interface Steps {
        void run() throws Exception;
    }

    /** Runs {@code steps} with daemons started through {@code launcher}. */
    private static void withLauncher(Path launcher, Steps steps) throws Exception {
        String before = System.getProperty("fleet.launcher");
        System.setProperty("fleet.launcher", launcher.toString());
        try {
            steps.run();
        } finally {
            if (before == null) {
                System.clearProperty("fleet.launcher");
            } else {
                System.setProperty("fleet.launcher", before);
            }
        }
    }

    private void awaitLines(Path file, int n) throws Exception {
        for (int i = 0; i < 400 && (!Files.exists(file) || Files.readAllLines(file).size() < n); i++) {
            Thread.sleep(50);
        }
        String log = client == null ? "" : client.log();
        assertThat(file).as("the relay started a daemon " + n + " time(s); relay log: " + log).exists();
        assertThat(Files.readAllLines(file)).as("relay log: " + log).hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void aRecordCutShortOrThroughALinkIsNotRead() throws Exception {
        RelayWelcome welcome = new RelayWelcome(BUILD, VERSION, bytes(INIT), bytes(TOOLS));
        welcome.write(paths);
        byte[] whole = Files.readAllBytes(paths.welcome(VERSION));
        assertThat(RelayWelcome.read(paths, BUILD, VERSION)).isNotNull();

        Files.write(paths.welcome(VERSION), java.util.Arrays.copyOf(whole, whole.length - 10));
        assertThat(RelayWelcome.read(paths, BUILD, VERSION)).isNull();

        Path elsewhere = tmp.resolve("elsewhere");
        Files.write(elsewhere, whole);
        Files.delete(paths.welcome(VERSION));
        Files.createSymbolicLink(paths.welcome(VERSION), elsewhere);
        assertThat(RelayWelcome.read(paths, BUILD, VERSION)).isNull();
    }

    @Test
    void resultsAreTakenFromAnswersExactlyAsWritten() {
        byte[] answer = bytes("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":" + TOOLS + "}");
        assertThat(new String(RelayWelcome.resultOf(answer), StandardCharsets.UTF_8)).isEqualTo(TOOLS);
        assertThat(RelayWelcome.endsWithResult(answer, bytes(TOOLS))).isTrue();
        assertThat(RelayWelcome.endsWithResult(answer, bytes("{\"tools\":[]}"))).isFalse();
        assertThat(RelayWelcome.resultOf(bytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":\"no\"}}"))).isNull();
        assertThat(RelayWelcome.Params.of(INITIALIZE).protocolVersion()).isEqualTo(VERSION);
        assertThat(RelayWelcome.Params.of("{\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}").hasCursor()).isTrue();
        assertThat(RelayWelcome.Params.of(TOOLS_LIST).hasCursor()).isFalse();
        assertThat(RelayWelcome.recordable(BUILD, "2025-06-18 x")).as("a space would break the header").isFalse();
    }

    private void awaitReceived(int n) throws InterruptedException {
        for (int i = 0; i < 400 && daemon.received().size() < n; i++) {
            Thread.sleep(50);
        }
        assertThat(daemon.received()).as("lines the daemon received").hasSizeGreaterThanOrEqualTo(n);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The client's side of a relay running on a thread of this test: its stdin, stdout lines and stderr. */
    static final class ClientEnd implements AutoCloseable {
        private final PipedOutputStream stdin;
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream log;
        private final Thread pump;

        private ClientEnd(PipedOutputStream stdin, BlockingQueue<String> lines, ByteArrayOutputStream log, Thread pump) {
            this.stdin = stdin;
            this.lines = lines;
            this.log = log;
            this.pump = pump;
        }

        static ClientEnd start(DaemonPaths paths, boolean launcherStartedDaemon) throws IOException {
            RelaySettings settings = RelaySettings.from(Map.of("HOME", paths.dataDir().getParent().toString(),
                    "APRA_FLEET_DATA_DIR", paths.dataDir().toString(),
                    RelaySettings.DAEMON_STARTING, launcherStartedDaemon ? "1" : "0"));
            PipedOutputStream stdin = new PipedOutputStream();
            PipedInputStream relayIn = new PipedInputStream(stdin, 1 << 16);
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            OutputStream stdout = new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    if (b == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            };
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Relay relay = new Relay(settings, BUILD, stdout, new PrintStream(log, true, StandardCharsets.UTF_8), code -> {
            });
            Thread pump = new Thread(() -> {
                try {
                    relay.pump(relayIn);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "test-relay");
            pump.setDaemon(true);
            pump.start();
            return new ClientEnd(stdin, lines, log, pump);
        }

        void stdinClosed() throws IOException {
            stdin.close();
        }

        boolean pumping() {
            return pump.isAlive();
        }

        void awaitEnd() throws InterruptedException {
            pump.join(20_000);
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String next() throws InterruptedException {
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertThat(line).as("an answer within 20 s; relay log: " + log()).isNotNull();
            return line;
        }

        String poll(long millis) throws InterruptedException {
            return lines.poll(millis, TimeUnit.MILLISECONDS);
        }

        String log() {
            return log.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            stdin.close();
            pump.join(10_000);
        }
    }
}
