package dev.fleet.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few lines a relay (or {@code fleet daemon status|stop}) and the daemon exchange before MCP
 * messages flow. Each side says who it is first; a daemon of another build refuses a relay.
 *
 * <pre>
 * relay:   fleet-relay 1 BUILD            daemon: fleet-daemon 1 BUILD PID      (then MCP lines)
 *                                         daemon: fleet-mismatch 1 BUILD PID CLIENTS   (then closes)
 * control: fleet-control 1 status         daemon: fleet-status 1 key=value ...
 * control: fleet-control 1 stop           daemon: fleet-stopping 1
 * control: fleet-control 1 stop-if-unused daemon: fleet-stopping 1 | fleet-busy 1 CLIENTS
 * </pre>
 * After the handshake the daemon writes {@link #END} before closing a session on purpose
 * (shutdown_server), so the relay can tell that from a crash. MCP lines always start with '{'.
 */
public final class RelayProtocol {
    public static final String VERSION = "1";
    public static final String RELAY = "fleet-relay";
    public static final String CONTROL = "fleet-control";
    public static final String ACCEPTED = "fleet-daemon";
    public static final String MISMATCH = "fleet-mismatch";
    public static final String STATUS = "fleet-status";
    public static final String STOPPING = "fleet-stopping";
    public static final String BUSY = "fleet-busy";
    public static final String REFUSED = "fleet-refused";
    public static final String END = "fleet-end";
    private static final int MAX_LINE = 4096;

    private RelayProtocol() {
    }

    public static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Reads one handshake line byte by byte, so nothing after it is taken from the stream; null at
     * end of input.
     */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("handshake line too long");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
