package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud instance's host key belongs to the instance, not to the public address it happens to
 * have: a restart on a new address still requires the recorded key, and an address AWS hands to
 * another instance is no false alarm.
 */
class CloudHostKeysTest {
    static final String ID = "i-0a1b2c3d4e5f60718";
    static final String OTHER = "i-0f0e0d0c0b0a09080";

    @TempDir
    Path tmp;
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 81, Clock.systemUTC(), Map.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private ToolResult register(String name, String id) {
        return sim.call("register_member", "friendly_name", name, "member_type", "remote", "username", TestSshServer.USER,
                "port", sim.sshPort, "work_folder", sim.memberHome.resolve("work-" + name).toString(),
                "cloud_provider", "aws", "cloud_instance_id", id, "cloud_ssh_key_path", sim.key.toString());
    }

    private ToolResult run(String name, String command) {
        return sim.call("execute_command", "member_name", name, "command", command);
    }

    private String host(String name) throws Exception {
        for (var m : new com.fasterxml.jackson.databind.ObjectMapper().readTree(sim.home.dataDir().resolve("registry.json").toFile())
                .get("agents")) {
            if (m.get("friendlyName").asText().equals(name)) {
                return m.get("host").asText();
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void afterARestartOnANewAddressTheInstancesRecordedKeyIsStillRequired() throws Exception {
        sim.cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        assertThat(register("gpu", ID).isError()).isFalse();
        String first = host("gpu");

        assertThat(sim.call("cloud_control", "member_name", "gpu", "action", "stop").isError()).isFalse();
        ToolResult again = run("gpu", "echo same-machine");
        assertThat(again.text()).as("a restart with its own key on a new address works").contains("same-machine");
        String second = host("gpu");
        assertThat(second).isNotEqualTo(first);

        // The instance comes back on a third address presenting another key: not the machine fleet knows.
        assertThat(sim.call("cloud_control", "member_name", "gpu", "action", "stop").isError()).isFalse();
        sim.cloud.newHostKey(ID);
        ToolResult impostor = run("gpu", "echo should-not-run");
        assertThat(impostor.isError()).as(impostor.text()).isTrue();
        assertThat(impostor.text()).contains("host key of " + hostKeyName(ID) + " has changed",
                "fleet forget-host " + hostKeyName(ID)).doesNotContain("should-not-run\n");
        assertThat(host("gpu")).isNotEqualTo(second);
        assertThat(Files.readString(sim.home.dataDir().resolve("known_hosts"))).contains(hostKeyName(ID));
    }

    @Test
    void anAddressReusedByAnotherInstanceIsNoFalseAlarm() throws Exception {
        sim.cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        assertThat(register("first", ID).isError()).isFalse();
        assertThat(run("first", "echo first").text()).contains("first");
        String address = host("first");
        assertThat(sim.call("cloud_control", "member_name", "first", "action", "stop").isError()).isFalse();

        // AWS gives the released address to another instance, which has its own host key.
        sim.cloud.nextBootAt(address);
        sim.cloud.machine(OTHER, "g5.xlarge", FakeEc2.State.STOPPED);
        ToolResult second = register("second", OTHER);
        assertThat(second.isError()).as(second.text()).isFalse();
        ToolResult r = run("second", "echo second-instance");
        assertThat(r.text()).as(r.text()).contains("second-instance");
        assertThat(host("second")).isEqualTo(address);
    }

    private String hostKeyName(String id) {
        return "[" + id + "]:" + sim.sshPort;
    }
}
