package dev.fleet.e2e;

import dev.fleet.e2e.BusyInstanceScenario.Instance;
import dev.fleet.e2e.BusyInstanceScenario.Login;
import dev.fleet.e2e.BusyInstanceScenario.Timing;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never stop a busy instance (see {@link BusyInstanceScenario}), over the in-process SSH server:
 * two editor windows run a fleet server each on the same registry. Only the second window's
 * watcher checks (every second); it knows nothing of the first window's 80 s call and keeps the
 * busy instance because the command's processes on the member carry the member's run tag.
 */
class BusyInstanceIT {
    static final String BUSY = "i-0b05e00000000000a";
    static final String IDLE = "i-01d1e00000000000b";

    @TempDir
    Path tmp;

    @Test
    void aCommandInFlightInAnotherServerOutlivesTheIdleTimeoutWhileAnIdleInstanceIsStopped() throws Exception {
        try (SimulatedCloud cloud = new SimulatedCloud(tmp, 111)) {
            cloud.machine(BUSY, "c6i.large", FakeEc2.State.RUNNING);
            cloud.machine(IDLE, "c6i.large", FakeEc2.State.RUNNING);
            Path work = Files.createDirectories(cloud.memberHome.resolve("w"));
            Map<String, String> first = cloud.env();
            first.put("FLEET_IDLE_CHECK_SECONDS", "3600"); // this window's watcher stays out of the way
            Map<String, String> second = cloud.env();
            second.put("FLEET_IDLE_CHECK_SECONDS", "1");
            BusyInstanceScenario.run(cloud, new Login(TestSshServer.USER, cloud.sshPort, cloud.key),
                    new Instance(BUSY, work), new Instance(IDLE, work), first, second,
                    new Timing(80, Duration.ofSeconds(100), Duration.ofSeconds(120)));
        }
    }
}
