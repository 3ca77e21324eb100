package dev.fleet.e2e;

import dev.fleet.e2e.BusyInstanceScenario.Instance;
import dev.fleet.e2e.BusyInstanceScenario.Login;
import dev.fleet.e2e.BusyInstanceScenario.Timing;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.RealSshd;
import dev.fleet.testing.SimulatedCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction of "a busy instance is stopped" (see {@link BusyInstanceScenario}) over a real
 * OpenSSH sshd: a cloud member with a 1-minute idle timeout whose only work is a synchronous 200 s
 * {@code execute_command} (CPU only: no GPU, no agent, no fleet task). Both fleet servers watch
 * every second: the one running the call (which knows it is in flight) and the other (which sees
 * the command's processes on the member by their run tag).
 */
class RealSshdBusyInstanceIT {
    static final String BUSY = "i-0b05e0000000000c1";
    static final String IDLE = "i-01d1e0000000000c2";

    @TempDir
    Path tmp;

    @Test
    void aTwoHundredSecondCommandKeepsItsInstanceUpPastAOneMinuteIdleTimeout() throws Exception {
        try (RealSshd sshd = RealSshd.startOrUseCi(tmp); SimulatedCloud cloud = new SimulatedCloud(tmp, 121)) {
            // Both instances answer at the real sshd's address; fleet pins each one's host key to its instance id.
            cloud.ec2.addInstance(BUSY, "c6i.large", FakeEc2.State.RUNNING).setPublicIp("127.0.0.1");
            cloud.ec2.addInstance(IDLE, "c6i.large", FakeEc2.State.RUNNING).setPublicIp("127.0.0.1");
            String mark = Long.toHexString(System.nanoTime());
            Path busyWork = Files.createDirectories(sshd.home.resolve("busy-" + mark));
            Path idleWork = Files.createDirectories(sshd.home.resolve("idle-" + mark));
            Map<String, String> env = cloud.env();
            env.put("FLEET_IDLE_CHECK_SECONDS", "1");
            BusyInstanceScenario.run(cloud, new Login(sshd.user, sshd.port, sshd.key),
                    new Instance(BUSY, busyWork), new Instance(IDLE, idleWork), env, env,
                    new Timing(200, Duration.ofSeconds(150), Duration.ofSeconds(300)));
        }
    }
}
