package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.Fleet;
import dev.fleet.cloud.IdleAction;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.guard.GuardScripts;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.GuardFakes;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-instance guard through the tools, on simulated cloud instances whose SSH server runs
 * commands for real: installed at registration and at start, shown by member_detail, updated by
 * update_member, upgraded when older, removed by guard_off and remove_member; with a systemd
 * timer, with cron, and without sudo rights. systemctl, sudo and crontab are recording fakes.
 */
class GuardToolsTest {
    static final String ID = "i-0123456789abcdef7";

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    Fleet fleet;
    GuardFakes fakes;
    Path guard;

    private void start(Clock clock) throws Exception {
        cloud = new SimulatedCloud(tmp, 71);
        fakes = GuardFakes.install(cloud.memberHome);
        guard = fakes.guardFolder();
        Map<String, String> env = cloud.env();
        env.put("FLEET_GUARD_ALLOW_LOOPBACK", "1");
        fleet = new Fleet(env, clock, () -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    private ToolResult call(String tool, Object... kv) {
        return FleetHarness.call(fleet, tool, kv);
    }

    private ToolResult register() {
        ToolResult r = call("register_member", "friendly_name", "trainer", "member_type", "remote", "username", TestSshServer.USER,
                "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("work").toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", cloud.key.toString(), "cloud_idle_timeout_min", 30);
        assertThat(r.isError()).as(r.text()).isFalse();
        return r;
    }

    private String file(String name) throws Exception {
        return Files.readString(guard.resolve(name)).strip();
    }

    private JsonNode detail() {
        ToolResult r = call("member_detail", "member_name", "trainer");
        assertThat(r.isError()).as(r.text()).isFalse();
        return new ObjectMapper().valueToTree(((Map<?, ?>) r.structured()).get("guard"));
    }

    @Test
    void withSystemdTheGuardIsATimerShownInDetailUpdatedUpgradedAndRemoved() throws Exception {
        start(Clock.systemUTC());
        fakes.systemd(true).sudo(true);
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);

        ToolResult reg = register();
        assertThat(reg.text()).doesNotContain("guard");
        assertThat(file("version")).isEqualTo(String.valueOf(GuardScripts.VERSION));
        assertThat(file("timeout-min")).isEqualTo("30");
        assertThat(file("scheduler")).isEqualTo("systemd-system");
        assertThat(fakes.calls()).contains("sudo -n systemctl enable --now fleet-guard-" + user() + ".timer");
        assertThat(Files.readString(fakes.root("/etc/systemd/system/fleet-guard-" + user() + ".timer")))
                .contains("OnUnitActiveSec=1min");
        assertThat(Files.readString(fakes.root("/etc/systemd/system/fleet-guard-" + user() + ".service")))
                .contains("User=" + user(), guard.resolve("run-once").toString());
        assertThat(fakes.crontab()).isEmpty();

        ToolResult shown = call("member_detail", "member_name", "trainer");
        assertThat(shown.text()).contains("guard:     installed, version " + GuardScripts.VERSION + ", run by a systemd system timer",
                "powers off after 30 + 10 idle min via FLEET_GUARD_POWEROFF from guard.env", "last decision: none yet");

        // A decision by hand (the guard's clock is two hours ahead): member_detail shows it with its reason.
        fakes.now(Instant.now().getEpochSecond() + 7200);
        ToolResult run = call("execute_command", "member_name", "trainer", "command", "~/.fleet/guard/run-once");
        assertThat(run.text()).contains("poweroff idle for");
        assertThat(fakes.powerOffs()).containsExactly("powered-off");
        JsonNode g = detail();
        assertThat(g.get("lastDecision").asText()).isEqualTo("poweroff");
        assertThat(g.get("lastDecisionReason").asText()).contains("timeout 30 + grace 10 min");

        // Every command fleet runs in the work folder refreshes the heartbeat.
        Files.setLastModifiedTime(guard.resolve("heartbeat"), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
        call("execute_command", "member_name", "trainer", "command", "true");
        assertThat(Files.getLastModifiedTime(guard.resolve("heartbeat")).toInstant()).isAfter(Instant.now().minusSeconds(60));

        // A new idle timeout reaches the guard at once.
        ToolResult upd = call("update_member", "member_name", "trainer", "cloud_idle_timeout_min", 50);
        assertThat(upd.text()).contains("On the instance: guard installed");
        assertThat(file("timeout-min")).isEqualTo("50");

        // An older guard is replaced when fleet looks at it.
        Files.writeString(guard.resolve("version"), "0\n");
        Files.writeString(guard.resolve("run-once"), "#!/bin/sh\necho old guard\n");
        assertThat(detail().get("version").asInt()).isEqualTo(GuardScripts.VERSION);
        assertThat(file("run-once")).contains("Fleet guard, version " + GuardScripts.VERSION);
        assertThat(file("guard.env")).contains("FLEET_GUARD_POWEROFF"); // the user's settings survive

        // guard_off removes it and it stays off; guard_on brings it back.
        ToolResult off = call("cloud_control", "member_name", "trainer", "action", "guard_off");
        assertThat(off.text()).contains("guard removed from the instance", "no longer installs it");
        assertThat(guard).doesNotExist();
        assertThat(fakes.calls()).contains("sudo -n systemctl disable --now fleet-guard-" + user() + ".timer");
        assertThat(Files.readString(cloud.home.dataDir().resolve("registry.json"))).contains("\"guard\" : \"off\"");
        assertThat(detail().get("note").asText()).contains("turned off for this member");
        assertThat(call("fleet_status").text()).contains("warnings: on-instance guard off for this member",
                "stopped when idle only while a fleet server runs");
        ToolResult on = call("cloud_control", "member_name", "trainer", "action", "guard_on");
        assertThat(on.text()).contains("guard installed");
        assertThat(call("fleet_status").text()).doesNotContain("guard off");
        assertThat(guard.resolve("run-once")).exists();
        assertThat(Files.readString(cloud.home.dataDir().resolve("registry.json"))).doesNotContain("\"guard\"");

        ToolResult removed = call("remove_member", "member_name", "trainer");
        assertThat(removed.isError()).as(removed.text()).isFalse();
        assertThat(guard).doesNotExist();
    }

    @Test
    void withoutSystemdCronRunsItAndTheGuardComesWithTheFirstStart() throws Exception {
        start(Clock.systemUTC());
        fakes.systemd(false).sudo(true);
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.STOPPED);
        ToolResult reg = call("register_member", "friendly_name", "trainer", "member_type", "remote", "username",
                TestSshServer.USER, "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("work").toString(),
                "cloud_instance_id", ID, "cloud_ssh_key_path", cloud.key.toString());
        assertThat(reg.isError()).as(reg.text()).isFalse();
        assertThat(guard.resolve("run-once")).doesNotExist();

        // The first call starts the instance; the guard is installed on the way.
        ToolResult r = call("execute_command", "member_name", "trainer", "command", "echo up");
        assertThat(r.text()).contains("up");
        assertThat(file("scheduler")).isEqualTo("cron");
        assertThat(fakes.crontab()).contains(guard.resolve("run-once").toString(), "# fleet-guard");
        assertThat(fakes.calls()).noneMatch(c -> c.contains("enable --now"));
        assertThat(call("member_detail", "member_name", "trainer").text()).contains("run by cron");

        // guard_off on a stopped instance is remembered: the next start removes the guard instead of installing it.
        call("cloud_control", "member_name", "trainer", "action", "stop");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> cloud.ec2.instance(ID).state() == FakeEc2.State.STOPPED);
        ToolResult off = call("cloud_control", "member_name", "trainer", "action", "guard_off");
        assertThat(off.text()).contains("guard turned off for this member", "removes the guard when it next starts");
        call("execute_command", "member_name", "trainer", "command", "echo up again");
        assertThat(guard).doesNotExist();
        assertThat(fakes.crontab()).doesNotContain("fleet-guard");
    }

    @Test
    void withoutSudoTheUserIsWarnedAndFleetsOwnWatcherStillStopsTheInstance() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        start(clock);
        fakes.systemd(true).sudo(false).lingerAllowed(true);
        Files.delete(guard.resolve("guard.env")); // no custom power-off: the guard would need sudo
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);

        ToolResult reg = register();
        assertThat(reg.text()).contains("the guard cannot power this instance off", "no passwordless sudo",
                "fleet's own idle watcher still stops the instance");
        assertThat(file("scheduler")).isEqualTo("systemd-user"); // a user timer, with lingering switched on
        assertThat(fakes.calls()).contains("loginctl enable-linger " + user(), "systemctl --user enable --now fleet-guard.timer");
        assertThat(call("member_detail", "member_name", "trainer").text())
                .contains("run by a systemd user timer", "not possible (no passwordless sudo)");

        clock.advance(Duration.ofMinutes(31));
        fleet.channels().releaseAll();
        List<IdleWatcher.Decision> decisions = fleet.idleWatcher().cycle();
        assertThat(decisions).singleElement().satisfies(d -> assertThat(d.action()).isEqualTo(IdleAction.STOP));
        assertThat(cloud.ec2.requests("StopInstances")).isEqualTo(1);
        assertThat(fakes.powerOffs()).isEmpty();
    }

    private static String user() {
        return System.getProperty("user.name");
    }
}
