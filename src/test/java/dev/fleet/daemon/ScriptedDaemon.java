package dev.fleet.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A daemon stand-in on a real Unix socket in a data dir, for the relay's own tests: it takes the
 * relay's handshake for one build, keeps every MCP line it receives, and answers initialize and
 * tools/list with the results it is given (anything else with an empty result).
 */
final class ScriptedDaemon implements AutoCloseable {
    private final ServerSocketChannel server;
    private final String build;
    private final String initializeResult;
    private final String toolsResult;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    /** Set: every relay is refused with this reason (a daemon on its way out says {@code stopping}). */
    private volatile String refusal;
    /** Set: requests are kept but never answered, as by a daemon busy with them until it goes away. */
    private volatile boolean silent;
    private volatile boolean closed;
    private final DaemonPaths paths;

    private ScriptedDaemon(DaemonPaths paths, ServerSocketChannel server, String build, String initializeResult, String toolsResult) {
        this.paths = paths;
        this.server = server;
        this.build = build;
        this.initializeResult = initializeResult;
        this.toolsResult = toolsResult;
    }

    /** Listens on the data dir's socket, private from the start, as the real daemon does. */
    static ScriptedDaemon start(DaemonPaths paths, String build, String initializeResult, String toolsResult) throws IOException {
        Path fresh = paths.dataDir().resolve("scripted.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(fresh));
        Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
        Files.move(fresh, paths.socket(), StandardCopyOption.ATOMIC_MOVE);
        ScriptedDaemon daemon = new ScriptedDaemon(paths, server, build, initializeResult, toolsResult);
        Thread acceptor = new Thread(daemon::acceptAll, "scripted-daemon");
        acceptor.setDaemon(true);
        acceptor.start();
        return daemon;
    }

    /** From now on, refuses every relay with {@code fleet-refused 1 <reason>}, as a daemon that is stopping does. */
    ScriptedDaemon refusing(String reason) {
        refusal = reason;
        return this;
    }

    /** From now on, answers no request. */
    ScriptedDaemon silent() {
        silent = true;
        return this;
    }

    /**
     * Goes away as a stopped daemon does: its socket file first (so no relay finds it while the
     * listener closes: the JDK closes a listener blocked in accept only once that thread wakes),
     * then the listener and every connection.
     */
    void vanish() throws IOException {
        Files.deleteIfExists(paths.socket());
        close();
    }

    /** Every MCP line the relays sent, in order of arrival. */
    List<String> received() {
        return received;
    }

    private void acceptAll() {
        try {
            while (true) {
                SocketChannel ch = server.accept();
                connections.add(ch);
                Thread t = new Thread(() -> serve(ch), "scripted-daemon-connection");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            if (closed) {
                // Accepted while closing: a daemon that is gone answers no one.
                return;
            }
            InputStream in = ChannelStreams.in(ch);
            OutputStream out = ChannelStreams.out(ch);
            String hello = RelayProtocol.readLine(in);
            if (refusal != null) {
                RelayProtocol.writeLine(out, RelayProtocol.REFUSED + " " + RelayProtocol.VERSION + " " + refusal);
                return;
            }
            if (hello == null || !hello.equals(RelayProtocol.RELAY + " " + RelayProtocol.VERSION + " " + build)) {
                RelayProtocol.writeLine(out, RelayProtocol.REFUSED + " " + RelayProtocol.VERSION + " unexpected");
                return;
            }
            RelayProtocol.writeLine(out, RelayProtocol.ACCEPTED + " " + RelayProtocol.VERSION + " " + build + " 4242");
            String line;
            while ((line = RelayProtocol.readLine(in)) != null) {
                received.add(line);
                LineScan scan = LineScan.of(line);
                if (!scan.isRequest() || silent) {
                    continue;
                }
                String result = switch (scan.method()) {
                    case "initialize" -> initializeResult;
                    case "tools/list" -> toolsResult;
                    default -> "{\"content\":[]}";
                };
                RelayProtocol.writeLine(out, "{\"jsonrpc\":\"2.0\",\"id\":" + scan.id() + ",\"result\":" + result + "}");
            }
        } catch (IOException e) {
            // the relay went away
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (SocketChannel ch : connections) {
            ch.close();
        }
    }
}
