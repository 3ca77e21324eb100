package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet_status probes members of one machine and user together, through one login: only members
 * that log in the same way share it. A member whose password stopped working is offline; the key
 * member beside it, on the same machine as the same user, is not.
 */
class FleetStatusLoginsTest {
    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd")).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        sshd.close();
    }

    @Test
    void aMemberWhoseLoginFailsDoesNotTakeAnotherLoginOfTheSameUserOffline() throws Exception {
        Path key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        TestKeys.authorize(fleet.home, key);
        // Registered first, so it leads the probe of its machine and user when logins are not told apart.
        ok(fleet.call("register_member", "friendly_name", "by-password", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password", "password", TestSshServer.PASSWORD,
                "work_folder", tmp.resolve("work-pw").toString()));
        ok(fleet.call("register_member", "friendly_name", "by-key", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                "work_folder", tmp.resolve("work-key").toString()));
        ok(fleet.call("update_member", "member_name", "by-password", "password", "no-longer-the-password"));

        ToolResult status = fleet.call("fleet_status");

        ok(status);
        Map<String, Map<String, Object>> byName = members(status);
        assertThat(byName.get("by-key").get("online")).as(status.text()).isEqualTo(true);
        assertThat(byName.get("by-password").get("online")).as(status.text()).isEqualTo(false);
    }

    private static void ok(ToolResult r) {
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> members(ToolResult status) {
        List<Map<String, Object>> list = (List<Map<String, Object>>) ((Map<String, Object>) status.structured()).get("members");
        Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
        list.forEach(m -> byName.put((String) m.get("name"), m));
        return byName;
    }
}
