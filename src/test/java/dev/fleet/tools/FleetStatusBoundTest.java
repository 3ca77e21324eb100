package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet_status keeps the bound its description promises (about 10 s): the cloud's answers and the
 * machines' probes run side by side under one deadline, and whatever has not answered by then
 * says so instead of holding up the whole call.
 */
class FleetStatusBoundTest {
    static final String ID = "i-0d00d00d00d00d00d";

    @TempDir
    Path tmp;
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 91, Clock.systemUTC(), Map.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private JsonNode status() throws Exception {
        ToolResult r = sim.call("fleet_status", "format", "json");
        assertThat(r.isError()).as(r.text()).isFalse();
        return new ObjectMapper().readTree(r.text());
    }

    private static JsonNode member(JsonNode status, String name) {
        for (JsonNode m : status.get("members")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name + " not in " + status.toPrettyString());
    }

    @Test
    void aSlowCloudAnswerDoesNotHoldUpTheProbesAndIsCutAtTheDeadline() throws Exception {
        // A local member whose probe takes 6 s: its `ps` is slow (the login shell puts it first on PATH).
        Path slow = Files.createDirectories(sim.home.home().resolve("slow-bin"));
        Files.writeString(slow.resolve("ps"), "#!/bin/sh\nsleep 6\nexec " + realPs() + " \"$@\"\n");
        Files.setPosixFilePermissions(slow.resolve("ps"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(sim.home.home().resolve(".profile"), "PATH=\"$HOME/slow-bin:$PATH\"; export PATH\n");
        sim.restart(); // the login environment is read once per server
        Path work = Files.createDirectories(tmp.resolve("local-work"));
        assertThat(sim.call("register_member", "friendly_name", "slowps", "member_type", "local", "work_folder",
                work.toString()).isError()).isFalse();

        sim.cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        ToolResult reg = sim.call("register_member", "friendly_name", "gpu", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", sim.memberHome.resolve("w").toString(),
                "cloud_instance_id", ID, "cloud_ssh_key_path", sim.key.toString());
        assertThat(reg.isError()).as(reg.text()).isFalse();

        // The cloud takes 12 s to answer (past the SDK's per-attempt limit, so it is asked again).
        sim.ec2.delayNext(1, Duration.ofSeconds(12));
        JsonNode s = status();
        assertThat(member(s, "slowps").get("online").asBoolean()).as("probed while the cloud was asked: " + s).isTrue();
        JsonNode gpu = member(s, "gpu");
        assertThat(gpu.get("online").asBoolean()).isFalse();
        assertThat(gpu.get("problem").asText()).contains("no answer within 10 s");
    }

    private static String realPs() {
        return Files.isExecutable(Path.of("/usr/bin/ps")) ? "/usr/bin/ps" : "/bin/ps";
    }
}
