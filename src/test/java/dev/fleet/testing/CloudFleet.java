package dev.fleet.testing;

import dev.fleet.Fleet;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-process fleet on a {@link SimulatedCloud}: the fake EC2 endpoint, instances that boot SSH
 * servers on their own loopback addresses, and a fleet server pointed at them. One fixture for
 * every test of cloud members.
 */
public final class CloudFleet implements AutoCloseable {
    public final SimulatedCloud cloud;
    public final FakeEc2 ec2;
    public final TestHome home;
    public final Path memberHome;
    public final Path key;
    public final int sshPort;

    private final Map<String, String> env;
    private final Clock clock;
    private Fleet fleet;

    /**
     * @param firstHost the last octet of the first instance address (keeps test classes apart)
     * @param settings  server settings on top of the simulated cloud's (for example shorter task intervals)
     */
    public CloudFleet(Path dir, int firstHost, Clock clock, Map<String, String> settings) throws Exception {
        this.cloud = new SimulatedCloud(dir, firstHost);
        // One time for both sides: the provider's launch times are on the clock the fleet reads.
        this.ec2 = cloud.ec2.clock(clock);
        this.home = cloud.home;
        this.memberHome = cloud.memberHome;
        this.key = cloud.key;
        this.sshPort = cloud.sshPort;
        this.env = new LinkedHashMap<>(cloud.env());
        env.putAll(settings);
        this.clock = clock;
        this.fleet = new Fleet(env, clock, () -> { });
    }

    public Fleet fleet() {
        return fleet;
    }

    /** Another fleet server on the same data directory, running beside this one (another editor window). */
    public Fleet another() {
        return new Fleet(env, clock, () -> { });
    }

    /** A new server process on the same data directory, as after a restart. */
    public void restart() {
        fleet.close();
        fleet = new Fleet(env, clock, () -> { });
    }

    public ToolResult call(String tool, Object... keyValues) {
        return call(ToolCall.NONE, tool, keyValues);
    }

    public ToolResult call(ToolCall progress, String tool, Object... keyValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            args.put((String) keyValues[i], keyValues[i + 1]);
        }
        return fleet.tools().run(tool, args, progress);
    }

    @Override
    public void close() throws Exception {
        fleet.close();
        cloud.close();
    }
}
