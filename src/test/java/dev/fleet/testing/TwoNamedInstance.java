package dev.fleet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A running cloud instance registered twice: as the cloud member {@code gpu} (work folder
 * {@link #work}), and again at the instance's address as the plain remote member {@code gpu-ssh}
 * (another work folder, {@link #secondFolder}), as a user may register one machine. One fixture
 * for the tests of work through the machine's second name.
 */
public final class TwoNamedInstance implements AutoCloseable {
    public final CloudFleet sim;
    public final Path work;
    public final Path secondFolder;

    private TwoNamedInstance(CloudFleet sim, Path work, Path secondFolder) {
        this.sim = sim;
        this.work = work;
        this.secondFolder = secondFolder;
    }

    /** @param firstHost the last octet of the instance's address (keeps test classes apart) */
    public static TwoNamedInstance start(Path dir, int firstHost, Clock clock, String instanceId) throws Exception {
        CloudFleet sim = new CloudFleet(dir, firstHost, clock, Map.of());
        sim.cloud.machine(instanceId, "g5.xlarge", FakeEc2.State.RUNNING);
        Path work = Files.createDirectories(sim.memberHome.resolve("w"));
        ToolResult r = sim.call("register_member", "friendly_name", "gpu", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", work.toString(),
                "cloud_instance_id", instanceId, "cloud_ssh_key_path", sim.key.toString(), "cloud_idle_timeout_min", 30);
        assertThat(r.isError()).as(r.text()).isFalse();
        Path second = Files.createDirectories(sim.memberHome.resolve("w2"));
        r = sim.call("register_member", "friendly_name", "gpu-ssh", "member_type", "remote",
                "host", sim.cloud.ec2.instance(instanceId).publicIp(), "username", TestSshServer.USER, "port", sim.sshPort,
                "auth_type", "key", "key_path", sim.key.toString(), "work_folder", second.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
        return new TwoNamedInstance(sim, work, second);
    }

    @Override
    public void close() throws Exception {
        sim.close();
    }
}
