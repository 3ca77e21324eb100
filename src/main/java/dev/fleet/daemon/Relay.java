package dev.fleet.daemon;

import dev.fleet.base.ClassDataArchive;
import dev.fleet.base.LogSafety;
import dev.fleet.settings.RelaySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * {@code fleet serve}: relays MCP lines between the client on stdin/stdout and the user's daemon
 * on its Unix socket, starting the daemon when none answers. It reads only what it must (a
 * message's method and id, with a streaming parser), so it starts fast and stays small.
 *
 * <p>If the daemon goes away, every call in flight is answered with an error saying so, and the
 * next message starts a new daemon; the relay replays the client's {@code initialize} there, so
 * the client's session carries on. A deliberate end (shutdown_server) ends the relay too.
 *
 * <p>A daemon that must first start takes most of a JVM's start-up before it answers. Meanwhile
 * the relay answers the client's {@code initialize} and {@code tools/list} itself, with what a
 * daemon of this very build answered before ({@link RelayWelcome}, recorded by every relay from
 * its real session), so the client counts fleet as ready at once; every other message waits for
 * the daemon. Once it answers, the relay replays the handshake there and asks it for its tools:
 * should they differ from the record, the client is told the list changed (MCP's
 * {@code notifications/tools/list_changed}) and the record is dropped.
 */
public final class Relay {
    /** JSON-RPC "server error" range: the daemon, not the request, is the problem. */
    static final int DAEMON_ERROR = -32000;
    private static final int INVALID_REQUEST = -32600;
    /** The longest message passed on, in characters: what the HTTP endpoint takes, in bytes. */
    static final int MAX_LINE = 16 * 1024 * 1024;
    private static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(60);
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(70);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final Duration LAUNCHER_START_LIMIT = Duration.ofSeconds(30);
    private static final byte[] END = RelayProtocol.END.getBytes(StandardCharsets.UTF_8);

    private final DaemonPaths paths;
    private final Map<String, String> env;
    private final String build;
    private final OutputStream stdout;
    private final PrintStream log;
    private final IntConsumer exit;
    private final Object state = new Object();
    /** Calls sent to the daemon and not yet answered: id to the line, kept for those safe to send again. */
    private final Map<String, String> inFlight = new ConcurrentHashMap<>();
    /** Ids of calls already sent again to a new daemon: a second loss answers them with the error. */
    private final Set<String> sentAgain = ConcurrentHashMap.newKeySet();
    private DaemonLink link;
    private String initialize;
    private String initializeId;
    private String initialized;
    private boolean inputEnded;
    private boolean launcherStartedDaemon;
    /** Options of a daemon of another build this relay retired: the one it starts takes them over. */
    private List<String> inheritedOptions = List.of();
    private final boolean recording;
    private final RelayWelcomeRecorder recorder;
    /** The connection to the daemon opened beside the client's first lines, until the relay takes it. */
    private FutureTask<DaemonLink> opening;
    /** The record the client's initialize was answered from, until the handshake is replayed to the daemon. */
    private RelayWelcome answeredWith;
    /** Whether the client's tools/list was answered from that record too. */
    private boolean toolsAnsweredLocally;
    /** The record whose tools the daemon is to be asked for, once the line at hand has gone there. */
    private RelayWelcome checkPending;
    /** The record being checked, and the id of the relay's own tools/list (read by the daemon-reader thread). */
    private volatile RelayWelcome toolsToCheck;
    private volatile String toolsCheckId;

    Relay(RelaySettings settings, String build, OutputStream stdout, PrintStream log, IntConsumer exit) {
        this.paths = new DaemonPaths(settings.dataDir());
        this.env = settings.environment();
        this.build = build;
        this.stdout = stdout;
        this.log = log;
        this.exit = exit;
        // The launcher script started one while this JVM booted.
        this.launcherStartedDaemon = settings.daemonStarting();
        this.recording = settings.recording();
        // The launcher's class-data recording is no client: it records no answers.
        this.recorder = new RelayWelcomeRecorder(paths, build, !recording, log);
    }

    /**
     * Entry point of {@code fleet-relay.jar}, which the launcher runs for {@code fleet serve}: the
     * relay alone, so that it starts without the server's class path (see {@link CodeLocation}).
     * The launcher runs the full jar instead for {@code FLEET_STANDALONE=1} and {@code --standalone}.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        // The relay loads no logger today; every entry point starts with this, so none is missed later (see LogSafety).
        LogSafety.enforce();
        ClassDataArchive.checkAtStart();
        if (!(args.length == 0 || (args.length == 1 && args[0].equals("serve")))) {
            System.err.println("fleet: " + CodeLocation.RELAY_JAR + " only relays 'fleet serve'; run " + CodeLocation.SERVER_JAR
                    + " for '" + String.join(" ", args) + "'");
            System.exit(2);
        }
        RelaySettings settings = settings(System.getenv());
        if (settings.standalone()) {
            System.err.println("fleet: FLEET_STANDALONE=1 serves in-process, which " + CodeLocation.RELAY_JAR
                    + " cannot; run " + CodeLocation.SERVER_JAR + " (the fleet launcher does)");
            System.exit(2);
        }
        System.exit(run(settings));
    }

    /** What {@code fleet serve} reads before it chooses to relay; malformed values are named on stderr. */
    public static RelaySettings settings(Map<String, String> env) {
        RelaySettings settings = RelaySettings.from(env);
        for (String problem : settings.problems()) {
            System.err.println("fleet: setting ignored: " + problem);
        }
        return settings;
    }

    /** Relays stdin/stdout until the client's input ends; returns the exit code. */
    public static int run(RelaySettings settings) throws IOException, InterruptedException {
        PrintStream out = System.out;
        Relay relay = new Relay(settings, BuildId.current(), out, System.err, code -> {
            out.flush();
            System.exit(code);
        });
        return relay.pump(System.in);
    }

    int pump(InputStream stdin) throws IOException, InterruptedException {
        if (daemonMustStart()) {
            // Another thread waits for the daemon, while the client's first lines may be answered from a record.
            FutureTask<DaemonLink> task = new FutureTask<>(this::open);
            opening = task;
            Thread connector = new Thread(() -> {
                task.run();
                adopt(task);
            }, "fleet-relay-connect");
            connector.setDaemon(true);
            connector.start();
        } else {
            synchronized (state) {
                try {
                    // Connect before the client speaks: a daemon that must start warms up meanwhile.
                    connected(LineScan.NONE);
                } catch (RelayException e) {
                    log.println("fleet: " + e.getMessage());
                    if (recording) {
                        // A recording of the path to no daemon would make a poor archive: the launcher records none.
                        return 1;
                    }
                }
            }
        }
        readLines(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        DaemonLink last;
        FutureTask<DaemonLink> pending;
        synchronized (state) {
            inputEnded = true;
            last = link;
            pending = opening;
        }
        if (pending != null) {
            // A start (or the retiring of another build's daemon) under way is seen through, not cut off.
            try {
                pending.get(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // said in the log by the thread that opened it, or nothing opened in time
            }
        }
        if (last != null) {
            last.finishWriting();
            last.awaitClosed(DRAIN_LIMIT);
        }
        return 0;
    }

    /**
     * The client's lines, each forwarded; one longer than {@link #MAX_LINE} characters is not read
     * into memory whole: it is answered with an error and skipped to its end, and the session goes on.
     */
    private void readLines(Reader in) throws IOException {
        char[] chunk = new char[8192];
        StringBuilder line = new StringBuilder();
        String startOfLong = null;
        int n;
        while ((n = in.read(chunk)) != -1) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    if (startOfLong == null) {
                        line.append(chunk, from, i - from);
                        lineEnded(line);
                    } else {
                        tooLong(startOfLong);
                        startOfLong = null;
                    }
                    line.setLength(0);
                    from = i + 1;
                }
            }
            if (startOfLong == null) {
                line.append(chunk, from, n - from);
                if (line.length() > MAX_LINE) {
                    startOfLong = line.substring(0, 4096);
                    line = new StringBuilder();
                }
            }
        }
        if (startOfLong != null) {
            tooLong(startOfLong);
        } else {
            lineEnded(line);
        }
    }

    private void lineEnded(StringBuilder line) {
        int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
        String text = line.substring(0, end);
        if (!text.isBlank()) {
            forward(text);
        }
    }

    private void tooLong(String start) {
        String id = LineScan.idOfStart(start);
        log.println("fleet: a message of more than " + MAX_LINE + " characters was not passed on");
        if (id != null) {
            answer(LineScan.error(id, INVALID_REQUEST, "the message is longer than fleet takes (" + MAX_LINE
                    + " characters); it was not passed on"));
        }
    }

    private void forward(String line) {
        LineScan scan = LineScan.of(line);
        synchronized (state) {
            boolean isInitialize = scan.isRequest() && "initialize".equals(scan.method());
            if (isInitialize) {
                initialize = line;
                initializeId = scan.id();
            } else if (isInitialized(scan)) {
                initialized = line;
            }
            if (answeredFromWelcome(scan, line)) {
                return;
            }
            if (isInitialize) {
                recorder.initialize(scan.id(), RelayWelcome.Params.of(line).protocolVersion());
            } else if (scan.isRequest() && "tools/list".equals(scan.method()) && recorder.wantsTools()
                    && !RelayWelcome.Params.of(line).hasCursor()) {
                recorder.toolsList(scan.id());
            }
            DaemonLink l;
            try {
                l = connected(scan);
            } catch (RelayException e) {
                log.println("fleet: " + e.getMessage());
                if (scan.isRequest()) {
                    answer(LineScan.error(scan.id(), DAEMON_ERROR, "fleet could not reach its daemon: " + e.getMessage()));
                }
                return;
            }
            if (scan.isRequest()) {
                inFlight.put(scan.id(), SAFE_AGAIN.contains(scan.method()) ? line : "");
            }
            try {
                l.send(line);
                sendToolsCheck(l);
            } catch (IOException e) {
                lost(l);
            }
        }
    }

    private static boolean isInitialized(LineScan scan) {
        return scan.id() == null && "notifications/initialized".equals(scan.method());
    }

    /**
     * While the daemon starts: answers the client's initialize from this build's record for the
     * protocol version it asks for, and then its tools/list; true when the line was answered here.
     */
    private boolean answeredFromWelcome(LineScan scan, String line) {
        if (link != null || opening == null || opening.isDone()) {
            return false;
        }
        if (scan.isRequest() && "initialize".equals(scan.method())) {
            RelayWelcome w = RelayWelcome.read(paths, build, RelayWelcome.Params.of(line).protocolVersion());
            if (w == null) {
                return false;
            }
            answer(w.initializeAnswer(scan.id()));
            answeredWith = w;
            return true;
        }
        if (answeredWith == null) {
            return false;
        }
        if (isInitialized(scan)) {
            // Sent to the daemon after the client's initialize, when the relay replays the handshake there.
            return true;
        }
        if (scan.isRequest() && "tools/list".equals(scan.method()) && !RelayWelcome.Params.of(line).hasCursor()) {
            answer(answeredWith.toolsAnswer(scan.id()));
            toolsAnsweredLocally = true;
            return true;
        }
        return false;
    }

    /** The connection opened beside the client's first lines, taken as soon as it is there. */
    private void adopt(FutureTask<DaemonLink> task) {
        synchronized (state) {
            if (opening != task) {
                return;
            }
            if (inputEnded) {
                opening = null;
                try {
                    task.get().close();
                } catch (ExecutionException e) {
                    // nothing was opened
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            try {
                sendToolsCheck(connected(LineScan.NONE));
            } catch (RelayException e) {
                // The client's next message tries again and is told why if that fails too.
                log.println("fleet: " + e.getMessage());
            } catch (IOException e) {
                lost(link);
            }
        }
    }

    /** The live link, connecting (and starting the daemon, and replaying the client's handshake) if needed. */
    private DaemonLink connected(LineScan next) throws RelayException {
        if (link != null) {
            return link;
        }
        // Taken before the wait: whatever happens next, the record's part ends here.
        RelayWelcome used = answeredWith;
        boolean checkTools = toolsAnsweredLocally;
        answeredWith = null;
        toolsAnsweredLocally = false;
        DaemonLink l = opening != null ? opened() : open();
        if (initialize != null && !(next.isRequest() && "initialize".equals(next.method()))) {
            replayHandshake(l, next, used);
        }
        link = l;
        Thread reader = new Thread(() -> readFrom(l), "fleet-relay-daemon");
        reader.setDaemon(true);
        reader.start();
        if (checkTools && used != null) {
            checkPending = used;
        }
        return l;
    }

    /** The connection the connector thread opened (waiting for it if need be); from now on the daemon answers. */
    private DaemonLink opened() throws RelayException {
        FutureTask<DaemonLink> task = opening;
        opening = null;
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RelayException r) {
                throw r;
            }
            throw new RelayException("could not reach the fleet daemon: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException("interrupted");
        }
    }

    /**
     * The client got its tools from the record: the daemon is asked too, under an id of the relay's
     * own (its answer is not passed on), and {@link #toolsChecked} compares the two. Sent after the
     * client's line at hand and its initialized notification, so the daemon sees the client's
     * handshake whole first.
     */
    private void sendToolsCheck(DaemonLink l) throws IOException {
        if (checkPending == null || initialized == null) {
            return;
        }
        toolsToCheck = checkPending;
        checkPending = null;
        String id = LineScan.quote("fleet-relay-tools-check-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        toolsCheckId = id;
        l.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");
    }

    /** The daemon's own tools/list, after the client got the record's: the client is told if they differ. */
    private void toolsChecked(byte[] line) {
        RelayWelcome told = toolsToCheck;
        toolsCheckId = null;
        toolsToCheck = null;
        byte[] actual = RelayWelcome.resultOf(line);
        if (told == null) {
            return;
        }
        if (actual == null) {
            log.println("fleet: the daemon did not list its tools for the relay's check; the record of its first answers is kept");
            return;
        }
        if (Arrays.equals(actual, told.tools())) {
            return;
        }
        log.println("fleet: the daemon's tools differ from those recorded for this build; the client is told to list them again");
        drop(told);
        answer("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}");
    }

    private void drop(RelayWelcome record) {
        try {
            record.drop(paths);
        } catch (IOException e) {
            log.println("fleet: could not remove the record of the daemon's first answers: " + e.getMessage());
        }
    }

    /**
     * Whether no daemon is there to answer now: the launcher just started one, or there is no
     * socket. (A socket of a daemon that died is found out by connecting, as before.)
     */
    private boolean daemonMustStart() {
        return !recording && (launcherStartedDaemon || !Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * A new daemon knows nothing of this client (or the relay answered its initialize from the
     * record): send its initialize there and drop the answer.
     */
    private void replayHandshake(DaemonLink l, LineScan next, RelayWelcome used) throws RelayException {
        try {
            l.send(initialize);
            byte[] answer = l.within(HANDSHAKE_LIMIT, () -> {
                try {
                    byte[] got;
                    while ((got = l.readLine()) != null) {
                        if (initializeId.equals(LineScan.of(got).id())) {
                            return got;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            });
            if (answer == null) {
                l.close();
                throw new RelayException("the new fleet daemon did not answer initialize");
            }
            if (used != null) {
                // The client got the record's answer: the daemon's own must be the same.
                byte[] result = RelayWelcome.resultOf(answer);
                if (result == null || !Arrays.equals(result, used.initialize())) {
                    log.println("fleet: the daemon answered initialize otherwise than recorded for this build; the record is removed");
                    drop(used);
                }
            }
            // The client's initialized notification, unless it is the message on its way there now.
            if (initialized != null && !isInitialized(next)) {
                l.send(initialized);
            }
            if (used == null) {
                log.println("fleet: reconnected to a new fleet daemon");
            }
        } catch (IOException e) {
            l.close();
            throw new RelayException("the new fleet daemon closed the connection: " + e.getMessage());
        }
    }

    private void readFrom(DaemonLink l) {
        try {
            byte[] line;
            while ((line = l.readLine()) != null) {
                if (Arrays.equals(line, END)) {
                    // shutdown_server: the client sees its server end, as with a standalone fleet.
                    exit.accept(0);
                    return;
                }
                LineScan scan = LineScan.of(line);
                if (scan.isResponse() && scan.id() != null) {
                    if (scan.id().equals(toolsCheckId)) {
                        toolsChecked(line);
                        continue;
                    }
                    inFlight.remove(scan.id());
                }
                answer(line);
                if (scan.isResponse()) {
                    recorder.answered(scan.id(), line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the daemon went away mid-line; handled below like a close
        }
        synchronized (state) {
            if (inputEnded) {
                l.markClosed();
            } else {
                lost(l);
            }
        }
    }

    /**
     * Requests that change nothing, so a relay whose daemon went away while one was on its way
     * sends it to the next daemon instead of answering it with an error: a client started while
     * the daemon stopped (or was killed) is then served, not left with a failed handshake.
     */
    private static final Set<String> SAFE_AGAIN = Set.of("initialize", "ping", "tools/list", "prompts/list",
            "resources/list", "resources/templates/list");

    /**
     * The daemon is gone: calls that change nothing are sent again to a new daemon (once each);
     * every other call it had is answered with an error, and the next message reconnects.
     */
    private void lost(DaemonLink l) {
        l.markClosed();
        if (link != l) {
            return;
        }
        link = null;
        l.close();
        List<String> unanswered = new ArrayList<>();
        List<String> again = new ArrayList<>();
        for (Map.Entry<String, String> call : inFlight.entrySet()) {
            boolean safe = !call.getValue().isEmpty() && !inputEnded && sentAgain.add(call.getKey());
            if (safe) {
                again.add(call.getValue());
            } else {
                unanswered.add(call.getKey());
            }
        }
        inFlight.clear();
        if (!unanswered.isEmpty()) {
            log.println("fleet: the fleet daemon went away with " + unanswered.size() + " call(s) in flight");
        }
        for (String id : unanswered) {
            answer(LineScan.error(id, DAEMON_ERROR, "The fleet daemon stopped while this call was running, so its "
                    + "result is unknown (the work may be partly done). The next call starts a new daemon; see "
                    + paths.log() + " for why it stopped."));
        }
        if (!again.isEmpty()) {
            log.println("fleet: the fleet daemon went away; sending " + again.size() + " call(s) that change nothing to a new one");
            for (String line : again) {
                forward(line);
            }
        }
    }

    private void answer(String line) {
        answer(line.getBytes(StandardCharsets.UTF_8));
    }

    private void answer(byte[] line) {
        synchronized (stdout) {
            try {
                stdout.write(line);
                stdout.write('\n');
                stdout.flush();
            } catch (IOException e) {
                // the client is gone; its input ends next and the relay with it
            }
        }
    }

    /** Connects to this user's daemon of this build, starting one when needed. */
    private DaemonLink open() throws RelayException {
        for (int attempt = 0; attempt < 3; attempt++) {
            DaemonLink l = connectSafely();
            if (l == null) {
                l = startAndConnect();
            }
            String reply;
            try {
                reply = l.ask(RelayProtocol.RELAY + " " + RelayProtocol.VERSION + " " + build, HANDSHAKE_LIMIT);
            } catch (IOException e) {
                reply = null;
            }
            String[] words = reply == null ? new String[0] : reply.split(" ");
            if (words.length >= 3 && words[0].equals(RelayProtocol.ACCEPTED)) {
                return l;
            }
            l.close();
            if (reply == null && attempt < 2) {
                // Closed during the handshake: a daemon on its way out (stopped, or killed just
                // then). The next attempt connects to the next one, or starts it; a daemon that
                // stays closes this attempt's connection too, and the last says so.
                try {
                    DaemonControl.awaitGone(paths, Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RelayException("interrupted");
                }
                continue;
            }
            if (words.length >= 3 && words[0].equals(RelayProtocol.REFUSED) && words[2].equals("stopping")) {
                // Maybe retired by another relay of this build that raced this one: whichever starts
                // the next daemon gives it the options of the one going away.
                inheritedOptions = recordedOptions();
                awaitGone();
                continue;
            }
            if (words.length >= 5 && words[0].equals(RelayProtocol.MISMATCH)) {
                retireOther(words[2], words[3], Integer.parseInt(words[4]));
                continue;
            }
            throw new RelayException(reply == null ? "the fleet daemon closed the connection during the handshake; see " + paths.log()
                    : "the fleet daemon refused this relay: " + reply);
        }
        throw new RelayException("could not get a fleet daemon of this version (" + build + ") running; see " + paths.log());
    }

    /** A daemon of another build: stop it if no client uses it, else refuse to mix the two. */
    private void retireOther(String otherBuild, String pid, int clients) throws RelayException {
        String refusal = "the running fleet daemon (pid " + pid + ") is " + otherBuild + " but this fleet is " + build
                + ", and it serves " + clients + " other client(s); fleet does not mix versions. Close those clients "
                + "or run 'fleet daemon restart' (their calls in flight are cut short).";
        if (clients > 0) {
            throw new RelayException(refusal);
        }
        try {
            String answer = DaemonControl.ask(paths, "stop-if-unused");
            if (answer != null && answer.startsWith(RelayProtocol.BUSY)) {
                throw new RelayException(refusal);
            }
            // The new daemon gets the options the user started this one with (an HTTP endpoint, a
            // service's idle time): with the defaults, its HTTP port would be free for anyone to
            // take while clients kept sending their bearer token there.
            inheritedOptions = recordedOptions();
            log.println("fleet: stopping the fleet daemon of version " + otherBuild + " (pid " + pid + ") to start " + build
                    + (inheritedOptions.isEmpty() ? "" : " with " + String.join(" ", inheritedOptions)));
        } catch (IOException e) {
            throw new RelayException(e.getMessage());
        }
        awaitGone();
    }

    /** The options the running (or stopping) daemon was started with, as its lock file records them. */
    private List<String> recordedOptions() throws RelayException {
        try {
            return DaemonLock.read(paths.lock()).options();
        } catch (IOException e) {
            throw new RelayException("cannot read " + paths.lock() + ": " + e.getMessage());
        }
    }

    /** A daemon on its way out: wait until it is gone, so the next attempt starts a new one. */
    private void awaitGone() throws RelayException {
        try {
            if (!DaemonControl.awaitGone(paths, STOP_LIMIT)) {
                throw new RelayException("the fleet daemon is stopping but did not finish within " + STOP_LIMIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException("interrupted");
        }
    }

    private DaemonLink connectSafely() throws RelayException {
        try {
            if (Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS)) {
                String problem = SocketSafety.fileProblem(paths.socket());
                if (problem != null) {
                    throw new RelayException(problem + "; fleet will not use it. 'fleet daemon restart' makes a new one.");
                }
            }
            return DaemonLink.connect(paths.socket());
        } catch (IOException | IllegalStateException e) {
            throw new RelayException(e.getMessage());
        }
    }

    private DaemonLink startAndConnect() throws RelayException {
        if (recording) {
            throw new RelayException("no fleet daemon answers, and the launcher's class-data recording starts none");
        }
        if (launcherStartedDaemon) {
            // The launcher script started one while this JVM booted: wait for it rather than start a rival
            // (its reason is in the log from before this wait began, if it has failed already).
            launcherStartedDaemon = false;
            try {
                DaemonLink l = awaitDaemon(null, new DaemonLogTail(paths.log()), LAUNCHER_START_LIMIT);
                if (l != null) {
                    return l;
                }
            } catch (RelayException e) {
                // It could not start: with a killed daemon's options that no longer work, say (its
                // record is now marked stopped, so the next start has the defaults). One more try
                // here; a reason that stays (a socket path too long) is told by that one.
                log.println("fleet: " + e.getMessage() + "; trying once more");
            }
        }
        List<String> options = inheritedOptions.isEmpty() ? optionsOfAKilledDaemon() : inheritedOptions;
        DaemonLink l;
        try {
            l = startWith(options);
        } catch (RelayException e) {
            if (options.isEmpty() || !inheritedOptions.isEmpty()) {
                throw e;
            }
            // The killed daemon's options no longer work (its HTTP port taken meanwhile, say): the
            // client is served by a daemon with the defaults rather than not at all.
            log.println("fleet: " + e.getMessage() + "; starting it with the default options instead");
            l = startWith(List.of());
        }
        return l;
    }

    private DaemonLink startWith(List<String> options) throws RelayException {
        // Watched from before the start: a daemon that fails at once is not missed.
        DaemonLogTail tail = new DaemonLogTail(paths.log());
        Process daemon;
        try {
            daemon = DaemonStarter.start(paths, env, options);
        } catch (IOException e) {
            // The JDK's message of a refused or missing file is its path alone: the cause goes with it.
            String where = e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile() : e.getMessage();
            throw new RelayException("cannot start the fleet daemon: " + where + ": " + dev.fleet.base.IoReasons.of(e));
        }
        DaemonLink l = awaitDaemon(daemon, tail, START_LIMIT);
        if (l == null) {
            throw new RelayException("the fleet daemon did not answer within " + START_LIMIT.toSeconds() + " s; see " + paths.log());
        }
        return l;
    }

    /**
     * The options of the last daemon if it was killed or crashed (its record was never marked
     * stopped), else none. Its replacement takes them, as one replacing another build's daemon
     * does: with the defaults, a configured HTTP port would be free for another user's process
     * to take while clients kept sending their bearer token there. A daemon that stopped in order
     * (a stop, its idle exit, a signal) is followed by one with the defaults, as documented.
     */
    private List<String> optionsOfAKilledDaemon() {
        DaemonLock.Recorded last;
        try {
            last = DaemonLock.read(paths.lock());
        } catch (IOException e) {
            log.println("fleet: cannot read " + paths.lock() + " (" + e.getMessage() + "); the daemon starts with the default options");
            return List.of();
        }
        if (last.stopped() || last.options().isEmpty()) {
            return List.of();
        }
        log.println("fleet: the last fleet daemon (pid " + last.pid() + ") ended without stopping; starting a new one with its options "
                + String.join(" ", last.options()));
        return last.options();
    }

    /** About when the launcher started this relay, and a daemon beside it: a log written since may be that daemon's. */
    private static final java.time.Instant LAUNCHED_SINCE = java.time.Instant.now().minusSeconds(10);

    /** Polls the socket until a daemon answers; null at the deadline. {@code daemon} (if known) failing early ends the wait. */
    private DaemonLink awaitDaemon(Process daemon, DaemonLogTail tail, Duration limit) throws RelayException {
        long deadline = System.nanoTime() + limit.toNanos();
        long exitedAt = 0;
        // A daemon that cannot start says why in the log (read through tail): that ends the wait with the reason.
        long nextLogLook = System.nanoTime();
        // A connect attempt to a socket not yet there costs microseconds; a long pause would be
        // added whole to the client's wait for a daemon that is just starting.
        long pause = 2;
        try {
            while (System.nanoTime() < deadline) {
                DaemonLink l = connectSafely();
                if (l != null) {
                    return l;
                }
                if (System.nanoTime() >= nextLogLook) {
                    nextLogLook = System.nanoTime() + Duration.ofMillis(200).toNanos();
                    java.util.Optional<String> why = tail.cannotStart();
                    if (why.isEmpty() && daemon == null) {
                        why = DaemonLogTail.endsWithCannotStart(paths.log(), LAUNCHED_SINCE);
                    }
                    if (why.isPresent()) {
                        throw new RelayException("the fleet daemon cannot start: " + why.get() + " (see " + paths.log() + ")");
                    }
                }
                if (daemon != null && !daemon.isAlive()) {
                    // It may have lost a start race to another relay's daemon: give that one time to bind.
                    if (exitedAt == 0) {
                        exitedAt = System.nanoTime();
                    } else if (System.nanoTime() - exitedAt > Duration.ofSeconds(15).toNanos()) {
                        throw new RelayException("the fleet daemon exited (code " + daemon.exitValue() + ") without "
                                + "answering; see " + paths.log());
                    }
                }
                Thread.sleep(pause);
                pause = Math.min(10, pause + 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Why the relay cannot reach a usable daemon; the text goes to the client and to stderr. */
    static final class RelayException extends Exception {
        RelayException(String message) {
            super(message);
        }
    }
}
