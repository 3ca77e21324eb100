package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.Fleet;
import dev.fleet.cloud.IdleAction;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daily budgets against a simulated cloud, with a clock the test moves (the fake EC2 takes its
 * launch times from it): spend adds up across stops and server restarts, 80 % warns in every
 * result, 100 % refuses automatic starts and shortens the idle timeout, an explicit override starts.
 * A g5.xlarge costs $1.006 an hour.
 */
class BudgetToolsTest {
    static final String ID = "i-0123456789abcdef8";

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T08:00:00Z"));
    Map<String, String> env;
    Fleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 81);
        cloud.ec2.clock(clock);
        env = cloud.env();
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        cloud.close();
    }

    private ToolResult call(String tool, Object... kv) {
        return FleetHarness.call(fleet, tool, kv);
    }

    private void register(Object... extra) {
        List<Object> args = new java.util.ArrayList<>(List.of("friendly_name", "gpu", "member_type", "remote", "username",
                TestSshServer.USER, "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("work").toString(),
                "cloud_instance_id", ID, "cloud_ssh_key_path", cloud.key.toString()));
        args.addAll(List.of(extra));
        ToolResult r = call("register_member", args.toArray());
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    private void awaitState(FakeEc2.State state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> cloud.ec2.instance(ID).state() == state);
    }

    @Test
    void aMembersBudgetWarnsAtEightyPercentRefusesAtAHundredAndCanBeOverridden() throws Exception {
        fleet = new Fleet(env, clock, () -> { });
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        register("cloud_budget_usd_per_day", 2.0, "cloud_idle_timeout_min", 30);

        clock.advance(Duration.ofMinutes(60));
        ToolResult half = call("cloud_control", "member_name", "gpu", "action", "status");
        assertThat(half.text()).doesNotContain("budget");
        assertThat(call("member_detail", "member_name", "gpu").text())
                .contains("budget:    about $1.01 of the daily budget of gpu ($2.00) spent today (UTC), 50 %, estimated");

        clock.advance(Duration.ofMinutes(37));
        ToolResult status = call("cloud_control", "member_name", "gpu", "action", "status");
        assertThat(status.text()).contains("budget nearly spent: about $1.63 of the daily budget of gpu ($2.00)", "81 %",
                "estimated from hourly rates and running time");
        ToolResult run = call("execute_command", "member_name", "gpu", "command", "echo hello");
        assertThat(run.text()).contains("hello", "Warning: budget nearly spent");
        assertThat(((Map<?, ?>) run.structured()).get("budgetWarnings")).asList().hasSize(1);
        assertThat(call("fleet_status").text()).contains("budget nearly spent");
        // format=json stays one JSON document: the budget is a key of its own there, not a line after it.
        JsonNode detail = new ObjectMapper().readTree(call("member_detail", "member_name", "gpu", "format", "json").text());
        assertThat(detail.path("budget").path("level").asText()).isEqualTo("warning");
        assertThat(detail.path("budget").path("summary").asText()).contains("81 %");
        assertThat(detail.path("guard").path("note").asText()).contains("loopback address");

        // Stopped, then a restarted server: the spend is still known.
        call("cloud_control", "member_name", "gpu", "action", "stop");
        awaitState(FakeEc2.State.STOPPED);
        fleet.close();
        fleet = new Fleet(env, clock, () -> { });
        clock.advance(Duration.ofHours(2));
        assertThat(call("cloud_control", "member_name", "gpu", "action", "status").text())
                .contains("stopped", "budget nearly spent: about $1.63");

        // Under 100 %: an automatic start still happens. 25 minutes later the budget is spent.
        assertThat(call("execute_command", "member_name", "gpu", "command", "echo again").text()).contains("again");
        assertThat(cloud.ec2.requests("StartInstances")).isEqualTo(1);
        clock.advance(Duration.ofMinutes(25));
        assertThat(call("cloud_control", "member_name", "gpu", "action", "status").text())
                .contains("over budget: about $2.05 of the daily budget of gpu ($2.00)", "102 %", "after 5 idle minutes");

        // Over budget, the idle timeout in force is 5 minutes instead of 30.
        clock.advance(Duration.ofMinutes(6));
        fleet.channels().releaseAll();
        List<IdleWatcher.Decision> decisions = fleet.idleWatcher().cycle();
        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(IdleAction.STOP);
            assertThat(d.reason()).contains("idle for more than 5 min");
        });
        awaitState(FakeEc2.State.STOPPED);

        // No automatic start any more, nor a plain cloud_control start; the override starts it.
        ToolResult refused = call("execute_command", "member_name", "gpu", "command", "echo no");
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("gpu is over budget", "not started automatically",
                "cloud_control action=start override_budget=true");
        assertThat(call("cloud_control", "member_name", "gpu", "action", "start").text()).contains("over budget");
        assertThat(cloud.ec2.requests("StartInstances")).isEqualTo(1);
        assertThat(call("cloud_control", "member_name", "gpu", "action", "status", "override_budget", true).text())
                .contains("override_budget", "applies only with action=start");
        ToolResult forced = call("cloud_control", "member_name", "gpu", "action", "start", "override_budget", true);
        assertThat(forced.isError()).as(forced.text()).isFalse();
        assertThat(forced.text()).contains("is running at", "Warning: over budget");
        assertThat(cloud.ec2.requests("StartInstances")).isEqualTo(2);
    }

    @Test
    void theFleetWideBudgetCoversMembersWithoutTheirOwn() throws Exception {
        env.put("FLEET_BUDGET_USD_PER_DAY", "1.50");
        fleet = new Fleet(env, clock, () -> { });
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        register();
        assertThat(fleet.budgetWatcher().cycle()).isZero();

        clock.advance(Duration.ofMinutes(75));
        assertThat(call("fleet_status").text()).contains("budget nearly spent: about $1.26 of the fleet-wide daily budget ($1.50)");
        clock.advance(Duration.ofMinutes(20));
        // The server's budget cycle notices the new idle timeout (and would pass it to the instance's guard).
        assertThat(fleet.budgetWatcher().cycle()).isEqualTo(1);
        assertThat(fleet.budgetWatcher().cycle()).isZero();
        assertThat(call("execute_command", "member_name", "gpu", "command", "true").text()).contains("over budget");
    }
}
