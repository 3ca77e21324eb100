package dev.fleet.mcp;

import dev.fleet.Fleet;
import dev.fleet.Version;
import io.modelcontextprotocol.server.McpSyncServer;
import java.io.Closeable;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone MCP server: the whole fleet in this process, one session on stdin/stdout.
 * stdout carries protocol messages only; logs go to stderr.
 */
public final class McpFleetServer {
    public static final String SERVER_NAME = "apra-fleet";
    private static final Logger log = LoggerFactory.getLogger(McpFleetServer.class);

    private McpFleetServer() {
    }

    /**
     * Serves until stdin ends (once every request read has been answered) or shutdown_server is
     * called, then releases everything. The caller exits the process.
     */
    public static void serve(Map<String, String> env) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        SessionStopper stopper = new SessionStopper();
        Fleet fleet = new Fleet(env, clock, stopper);
        FleetMcp mcp = new FleetMcp(fleet, stopper, clock);
        LineSessions sessions = mcp.lineSessions();
        McpSyncServer server = mcp.serve(sessions);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "fleet-shutdown"));
        CountDownLatch ended = new CountDownLatch(1);
        Closeable stdio = () -> System.out.flush();
        sessions.open(System.in, System.out, stdio, null, s -> ended.countDown());
        fleet.startIdleWatcher();
        log.info("apra-fleet {} serving on stdio; data in {}", Version.get(), fleet.dataDir().root());
        ended.await();
        fleet.close();
        server.close();
    }
}
