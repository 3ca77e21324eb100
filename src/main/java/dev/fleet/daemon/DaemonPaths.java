package dev.fleet.daemon;

import java.nio.file.Path;

/** The daemon's files, all inside the user's private data dir: one daemon per data dir. */
public record DaemonPaths(Path dataDir) {
    /** Where relays connect (a Unix domain socket, mode 0600). */
    public Path socket() {
        return dataDir.resolve("fleet.sock");
    }

    /** Held (locked) by the running daemon; holds its pid and the options it was started with. */
    public Path lock() {
        return dataDir.resolve("daemon.lock");
    }

    /** stderr of a daemon started in the background. */
    public Path log() {
        return dataDir.resolve("daemon.log");
    }

    /**
     * The daemon's answers to initialize and tools/list for clients asking for this protocol version
     * (a plain word: {@link RelayWelcome#recordable}), recorded by a relay.
     */
    public Path welcome(String protocolVersion) {
        return dataDir.resolve("relay-welcome-" + protocolVersion);
    }

    /** The bearer token of the Streamable HTTP endpoint (0600). */
    public Path httpToken() {
        return dataDir.resolve("http-token");
    }
}
