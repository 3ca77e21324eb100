package dev.fleet.daemon;

import dev.fleet.base.Quoted;
import dev.fleet.Fleet;
import dev.fleet.Version;
import dev.fleet.base.Background;
import dev.fleet.base.Failures;
import dev.fleet.base.Sleeper;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.mcp.FleetMcp;
import dev.fleet.mcp.LineSessions;
import dev.fleet.mcp.SessionStopper;
import dev.fleet.mcp.StreamableHttpServer;
import dev.fleet.member.DataDir;
import dev.fleet.security.SecureFiles;
import dev.fleet.settings.Settings;
import io.modelcontextprotocol.server.McpSyncServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fleet daemon}: one fleet per user and data dir. It owns the registry, the SSH pools and
 * the idle watcher, and serves MCP to every relay on a Unix socket (and, if asked, to HTTP
 * clients). It exits after its idle time with no client, no call in flight and no cloud member
 * running, or when asked to stop.
 */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(10);
    /** How long the accept loop waits after a connection it could not take. */
    private static final Duration ACCEPT_PAUSE = Duration.ofMillis(100);

    private final DaemonPaths paths;
    private final DaemonOptions options;
    private final Settings settings;
    private final Clock clock;
    private final String build = BuildId.current();
    private final long pid = ProcessHandle.current().pid();
    private final Instant started;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object clientsLock = new Object();
    private volatile LineSessions sessions;
    private volatile FleetMcp mcp;
    private volatile StreamableHttpServer http;
    private volatile boolean stopping;
    private volatile Instant lastClientChange;
    private volatile String lastStayReason;

    Daemon(DaemonPaths paths, DaemonOptions options, Settings settings, Clock clock) {
        this.paths = paths;
        this.options = options;
        this.settings = settings;
        this.clock = clock;
        this.started = clock.instant();
        this.lastClientChange = started;
    }

    /**
     * Runs a daemon in this process until it stops; returns the exit code. A daemon that cannot
     * start (its folder or socket unusable) says why on stderr, which is the daemon log when a
     * relay started it.
     */
    public static int run(Settings settings, DaemonOptions options) throws InterruptedException {
        return run(settings, options, false);
    }

    /**
     * The flag an installed service starts the daemon with. A service's daemon that finds another
     * daemon serving (one a relay started while the service's was down) ends with success: the
     * service's purpose, a daemon for this user, is met, and a failure would have the service
     * manager start it again every few seconds for as long as the other one runs.
     */
    public static final String SERVICE_FLAG = "--service";

    /** As {@link #run(Settings, DaemonOptions)}; {@code service} when an installed service started it. */
    public static int run(Settings settings, DaemonOptions options, boolean service) throws InterruptedException {
        try {
            new DataDir(settings.dataDir()).ensureExists();
            return new Daemon(new DaemonPaths(settings.dataDir()), options, settings, Clock.systemUTC()).serve(service);
        } catch (IOException e) {
            System.err.println("fleet: the daemon cannot start: " + e.getMessage());
            return 1;
        }
    }

    int serve(boolean service) throws IOException, InterruptedException {
        DaemonLock lock = DaemonLock.acquire(paths.lock(), LOCK_WAIT);
        if (lock == null) {
            long other = DaemonLock.read(paths.lock()).pid();
            System.err.println("fleet: a fleet daemon already runs for " + paths.dataDir() + " (pid " + other
                    + "); 'fleet daemon status' shows it, 'fleet daemon stop' stops it"
                    + (service ? "; this service's daemon leaves it serving and ends" : ""));
            return service ? 0 : 1;
        }
        try (lock) {
            lock.record(pid, build, options.toArgs());
            try {
                serveHolding();
            } finally {
                markStopped(lock);
            }
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** Marks the lock's record as that of a daemon that ended in order; a killed one never gets here. */
    private static void markStopped(DaemonLock lock) {
        try {
            lock.markStopped();
        } catch (IOException e) {
            // The next relay then takes this daemon for a killed one and starts the next with its options.
            log.warn("cannot mark the daemon's lock record as stopped: {}", e.getMessage());
        }
    }

    /** Serves until asked to stop, holding the lock. */
    private void serveHolding() throws IOException, InterruptedException {
        InetSocketAddress httpAddress = options.http() == null ? null : httpAddress(options.http(), options.allowRemote());
        // Binding sets up the JDK's socket and secure-random classes, about 20 ms of a start: it
        // runs beside building fleet, so a relay that started this daemon waits only for the
        // slower of the two. Connections are served once the daemon is ready, as before.
        FutureTask<ServerSocketChannel> binding = new FutureTask<>(this::bind);
        Thread binder = new Thread(binding, "fleet-daemon-bind");
        binder.setDaemon(true);
        binder.start();
        SessionStopper stopper = new SessionStopper();
        Fleet fleet;
        try {
            fleet = new Fleet(settings, clock, Sleeper.REAL, stopper);
        } catch (RuntimeException | Error e) {
            closeWhenBound(binding);
            throw e;
        }
        ServerSocketChannel listener;
        try {
            listener = bound(binding);
        } catch (IOException e) {
            fleet.close();
            throw e;
        }
        // From here a signal stops the daemon in order (the stop waits for the start to finish).
        Thread signalStop = new Thread(this::stopFromSignal, "fleet-daemon-stop");
        Runtime.getRuntime().addShutdownHook(signalStop);
        Thread acceptor = new Thread(() -> acceptAll(listener), "fleet-daemon-accept");
        acceptor.setDaemon(true);
        acceptor.start();

        mcp = new FleetMcp(fleet, stopper, clock);
        sessions = mcp.lineSessions();
        McpSyncServer socketServer = mcp.serve(sessions);
        McpSyncServer httpServer = null;
        if (httpAddress != null) {
            http = new StreamableHttpServer(new StreamableHttpServer.Config(httpAddress, HttpToken.readOrMake(paths.httpToken()), options.tokenInPath()),
                    mcp.json(), mcp.gate(), clock);
            httpServer = mcp.serve(http, http::end);
            try {
                http.start();
            } catch (IOException | RuntimeException e) {
                // Its address is taken, say: this daemon does not start, and leaves no socket that
                // relays would take for a daemon's (the log ends with the reason, for them to tell).
                // Nor is the exit that follows a signal's stop: the log ends with the reason.
                Runtime.getRuntime().removeShutdownHook(signalStop);
                listener.close();
                Files.deleteIfExists(paths.socket());
                fleet.close();
                throw e;
            }
        }
        ready.countDown();
        fleet.startIdleWatcher();
        ScheduledExecutorService idle = idleChecks(fleet.idleWatcher());
        log.info("fleet daemon {} (pid {}) serving {} on {}{}", Version.get(), pid, paths.dataDir(), paths.socket(),
                http == null ? "" : " and " + http.url());
        stop.await();

        log.info("fleet daemon stopping");
        idle.shutdownNow();
        listener.close();
        Files.deleteIfExists(paths.socket());
        socketServer.close();
        if (httpServer != null) {
            httpServer.close();
        }
        fleet.close();
    }

    /**
     * A private socket in the data dir; any file already there is stale, since this daemon holds
     * the lock. It is bound under a temporary name and made private before it takes the real name,
     * so no relay ever sees it open to others.
     */
    private ServerSocketChannel bind() throws IOException {
        Path socket = paths.socket();
        Path fresh = paths.dataDir().resolve("fleet.sock." + pid);
        Files.deleteIfExists(fresh);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(UnixDomainSocketAddress.of(fresh));
            SecureFiles.restrictToOwner(fresh);
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                log.info("replacing a stale socket file {}", socket);
            }
            Files.move(fresh, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            listener.close();
            Files.deleteIfExists(fresh);
            throw new IOException("cannot listen on " + socket + " (" + e.getMessage() + "); a shorter "
                    + Settings.DATA_DIR + " helps if the path is too long for a socket", e);
        }
        return listener;
    }

    /** The listening socket once {@link #bind} has made it; its failure as the IOException it was. */
    private static ServerSocketChannel bound(FutureTask<ServerSocketChannel> binding) throws IOException, InterruptedException {
        try {
            return binding.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Fleet failed to start: the socket goes again (once bound), so no relay finds it open. */
    private void closeWhenBound(FutureTask<ServerSocketChannel> binding) {
        try {
            bound(binding).close();
            Files.deleteIfExists(paths.socket());
        } catch (IOException | RuntimeException e) {
            // not bound, or already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptAll(ServerSocketChannel listener) {
        acceptAll(listener::accept, listener::isOpen, this::serveOnThread, ACCEPT_PAUSE);
    }

    /** One accepted connection, or a failure to take one. */
    @FunctionalInterface
    interface Accept {
        SocketChannel next() throws IOException;
    }

    /**
     * Takes connections while {@code open} says the listener is, each served by {@code serve}. A
     * failed accept while it is still open (no file descriptor to spare: another user's flood of
     * HTTP connections can use them all) is waited out for {@code pause} and tried again: ending
     * here left the socket unanswered for good, and the daemon alive, holding its lock, so no other
     * could start.
     */
    static void acceptAll(Accept accept, java.util.function.BooleanSupplier open, java.util.function.Consumer<SocketChannel> serve,
                          Duration pause) {
        while (open.getAsBoolean()) {
            SocketChannel ch;
            try {
                ch = accept.next();
            } catch (IOException e) {
                if (!open.getAsBoolean()) {
                    return; // closed on the way out
                }
                log.warn("could not take a connection, trying again: {}", e.toString());
                if (!pause(pause)) {
                    return;
                }
                continue;
            }
            serve.accept(ch);
        }
    }

    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void serveOnThread(SocketChannel ch) {
        try {
            Thread t = new Thread(() -> handle(ch), "fleet-daemon-conn");
            t.setDaemon(true);
            t.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            // No thread to spare right now (the user's process limit): this relay is turned away,
            // but the daemon keeps accepting; ending the loop left every later relay unanswered.
            log.warn("could not take a connection: {}", e.toString());
            try {
                ch.close();
            } catch (IOException closing) {
                // already gone
            }
            pause(ACCEPT_PAUSE);
        }
    }

    private void handle(SocketChannel ch) {
        try {
            InputStream in = ChannelStreams.in(ch);
            OutputStream out = ChannelStreams.out(ch);
            String peer = SocketSafety.peerProblem(ch);
            if (peer != null) {
                log.warn("refused a connection: {}", peer);
                RelayProtocol.writeLine(out, RelayProtocol.REFUSED + " " + RelayProtocol.VERSION + " other-user");
                ch.close();
                return;
            }
            String hello = RelayProtocol.readLine(in);
            String[] words = hello == null ? new String[0] : hello.split(" ");
            ready.await();
            if (words.length >= 3 && words[0].equals(RelayProtocol.RELAY)) {
                relay(ch, in, out, words[2]);
            } else if (words.length >= 3 && words[0].equals(RelayProtocol.CONTROL)) {
                RelayProtocol.writeLine(out, control(words[2]));
                ch.close();
            } else {
                ch.close();
            }
        } catch (IOException e) {
            log.debug("connection ended during the handshake: {}", e.getMessage());
            closeQuietly(ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(ch);
        }
    }

    private void relay(SocketChannel ch, InputStream in, OutputStream out, String relayBuild) throws IOException {
        synchronized (clientsLock) {
            if (stopping) {
                RelayProtocol.writeLine(out, RelayProtocol.REFUSED + " " + RelayProtocol.VERSION + " stopping");
                ch.close();
                return;
            }
            if (!relayBuild.equals(build)) {
                log.info("refused a relay of build {} (this daemon is {})", relayBuild, build);
                RelayProtocol.writeLine(out, String.join(" ", RelayProtocol.MISMATCH, RelayProtocol.VERSION, build,
                        String.valueOf(pid), String.valueOf(clients())));
                ch.close();
                return;
            }
            RelayProtocol.writeLine(out, String.join(" ", RelayProtocol.ACCEPTED, RelayProtocol.VERSION, build, String.valueOf(pid)));
            sessions.open(in, out, ch, RelayProtocol.END, s -> clientsChanged());
            clientsChanged();
        }
        log.info("relay connected ({} client(s))", clients());
    }

    private String control(String command) {
        switch (command) {
            case "status":
                return String.join(" ", RelayProtocol.STATUS, RelayProtocol.VERSION, "pid=" + pid, "build=" + build,
                        "clients=" + clients(), "calls=" + mcp.calls().running(), "since=" + started,
                        "http=" + (http == null ? "-" : http.url()), "socket=" + paths.socket());
            case "stop":
                requestStop("asked to stop");
                return RelayProtocol.STOPPING + " " + RelayProtocol.VERSION;
            case "stop-if-unused":
                synchronized (clientsLock) {
                    int clients = clients();
                    if (clients > 0 || mcp.calls().running() > 0) {
                        return RelayProtocol.BUSY + " " + RelayProtocol.VERSION + " " + clients;
                    }
                    requestStop("a relay of another version asked to replace this daemon");
                    return RelayProtocol.STOPPING + " " + RelayProtocol.VERSION;
                }
            default:
                return RelayProtocol.REFUSED + " " + RelayProtocol.VERSION + " unknown-command";
        }
    }

    private int clients() {
        int n = sessions == null ? 0 : sessions.count();
        StreamableHttpServer h = http;
        return h == null ? n : n + h.activeSessions(options.idleExit().isZero() ? Duration.ofHours(1) : options.idleExit());
    }

    private void clientsChanged() {
        lastClientChange = clock.instant();
    }

    private ScheduledExecutorService idleChecks(IdleWatcher watcher) {
        IdleExit idle = new IdleExit(clock, options.idleExit());
        if (!idle.enabled()) {
            return Background.scheduler("fleet-daemon-idle");
        }
        return Background.repeat("fleet-daemon-idle", idle.checkEvery(), () -> checkIdle(idle, watcher),
                e -> log.warn("idle exit check failed: {}", Failures.shown(e)));
    }

    private void checkIdle(IdleExit idle, IdleWatcher watcher) {
        try {
            Instant last = latest(lastClientChange, mcp.calls().lastChange(), http == null ? null : http.lastRequest());
            synchronized (clientsLock) {
                if (!idle.due(clients(), mcp.calls().running(), last)) {
                    return;
                }
            }
            // While a cloud instance may run, this daemon's idle watcher is what will stop it.
            String stay = watcher.instanceStillToStop().orElse(null);
            if (stay != null) {
                if (!stay.equals(lastStayReason)) {
                    log.info("no clients, but staying up for the idle watcher: {}", stay);
                }
                lastStayReason = stay;
                return;
            }
            synchronized (clientsLock) {
                if (idle.due(clients(), mcp.calls().running(), last)) {
                    requestStop("no clients for " + options.idleExit().toSeconds() + " s");
                }
            }
        } catch (RuntimeException e) {
            log.warn("idle check failed: {}", e.getMessage());
        }
    }

    private static Instant latest(Instant... times) {
        Instant max = Instant.MIN;
        for (Instant t : times) {
            if (t != null && t.isAfter(max)) {
                max = t;
            }
        }
        return max;
    }

    private void requestStop(String why) {
        synchronized (clientsLock) {
            if (!stopping) {
                stopping = true;
                log.info("fleet daemon stops: {}", why);
            }
        }
        stop.countDown();
    }

    /** SIGTERM or SIGINT: stop as if asked, and let the cleanup finish before the JVM goes. */
    private void stopFromSignal() {
        requestStop("signal");
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code HOST:PORT} or {@code PORT}; loopback only unless remote addresses are allowed. */
    static InetSocketAddress httpAddress(String spec, boolean allowRemote) throws IOException {
        int colon = spec.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--http " + Quoted.value(spec) + " must be HOST:PORT or PORT, e.g. 127.0.0.1:7777");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http port " + port + " must be from 0 to 65535");
        }
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException("--http " + host + " is not a loopback address; fleet listens on loopback "
                    + "only unless --allow-remote is given (the token still guards every request)");
        }
        if (!address.isLoopbackAddress()) {
            log.warn("the HTTP endpoint on {} can be reached from other machines (--allow-remote): it is plain HTTP, so "
                    + "the token and every call, passwords and keys among them, cross the network unencrypted", host);
        }
        return new InetSocketAddress(address, port);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
