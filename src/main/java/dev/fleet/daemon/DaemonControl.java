package dev.fleet.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks the running daemon something over its socket: status, stop. Used by relays and by {@code fleet daemon}. */
public final class DaemonControl {
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);

    private DaemonControl() {
    }

    /** The daemon's answer to a control command, or null when no daemon answers. */
    public static String ask(DaemonPaths paths, String command) throws IOException {
        if (!Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        String problem = SocketSafety.fileProblem(paths.socket());
        if (problem != null) {
            throw new IOException(problem);
        }
        DaemonLink link = DaemonLink.connect(paths.socket());
        if (link == null) {
            return null;
        }
        try (link) {
            return link.ask(RelayProtocol.CONTROL + " " + RelayProtocol.VERSION + " " + command, ANSWER_LIMIT);
        }
    }

    /** The key=value fields of a status answer, in order. */
    public static Map<String, String> fields(String statusLine) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : statusLine.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }

    /** Waits until nothing answers on the socket any more; false if the daemon is still there at the deadline. */
    public static boolean awaitGone(DaemonPaths paths, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            DaemonLink link = DaemonLink.connect(paths.socket());
            if (link == null) {
                return true;
            }
            link.close();
            Thread.sleep(50);
        }
        return false;
    }
}
