package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.Fleet;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TestSshServer;
import dev.fleet.testing.LoginScope;
import dev.fleet.testing.TitledJobs;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work in flight counts as activity: a call still running in this server, or a command any fleet
 * server started that still runs on the member, keeps the instance up past its idle timeout; the
 * watcher looks again right before it stops; an explicit stop is refused unless forced. The idle
 * clock is a clock the test moves; the commands really run (in-process SSH server, simulated EC2).
 */
class WorkInFlightTest {
    static final String ID = "i-0f1f2f3f4f5f6f7f8";

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    CloudFleet sim;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 101, clock, Map.of());
        sim.cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        work = sim.memberHome.resolve("w");
        ToolResult r = call(sim.fleet(), "register_member", "friendly_name", "gpu", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", work.toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", sim.key.toString(), "cloud_idle_timeout_min", 30);
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private static ToolResult call(Fleet fleet, String tool, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            args.put((String) kv[i], kv[i + 1]);
        }
        return fleet.tools().run(tool, args, ToolCall.NONE);
    }

    /** Starts a command in the background and returns once it runs on the member. */
    private CompletableFuture<ToolResult> running(Fleet fleet, String marker, String command) {
        CompletableFuture<ToolResult> r = CompletableFuture.supplyAsync(() -> call(fleet, "execute_command",
                "member_name", "gpu", "command", "touch " + marker + "; " + command, "timeout_ms", 120_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve(marker)) || r.isDone());
        assertThat(r.isDone()).as("still running").isFalse();
        return r;
    }

    private List<IdleWatcher.Decision> cycleAfter(Fleet fleet, Duration d) {
        clock.advance(d);
        return fleet.idleWatcher().cycle();
    }

    @Test
    void aCommandStillRunningInThisServerKeepsTheInstancePastItsIdleTimeout() throws Exception {
        Files.createDirectories(work);
        CompletableFuture<ToolResult> cmd = running(sim.fleet(), "started", "sleep 6; echo finished");
        List<IdleWatcher.Decision> d = cycleAfter(sim.fleet(), Duration.ofMinutes(31));
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("busy: fleet work in flight (execute_command for 31m)");
        });
        ToolResult r = cmd.get(60, TimeUnit.SECONDS);
        assertThat(r.text()).contains("finished");
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(sim.ec2.instance(ID).state()).isEqualTo(FakeEc2.State.RUNNING);
    }

    @Test
    void aCommandAnotherFleetServerStartedKeepsTheInstanceRunningAndThenItStops() throws Exception {
        Files.createDirectories(work);
        try (Fleet other = sim.another()) {
            CompletableFuture<ToolResult> cmd = running(other, "started", "sleep 8; echo finished");
            // This server knows nothing of the other's call: it sees the command's processes on the member.
            List<IdleWatcher.Decision> d = cycleAfter(sim.fleet(), Duration.ofMinutes(31));
            assertThat(d).singleElement().satisfies(x -> {
                assertThat(x.action()).isEqualTo(IdleAction.KEEP);
                assertThat(x.reason()).contains("busy:", "1 fleet command still running there");
            });
            assertThat(cmd.get(60, TimeUnit.SECONDS).text()).contains("finished");
        }
        // Once the command is over, the instance is idle and stops after its timeout.
        sim.fleet().channels().releaseAll();
        assertThat(cycleAfter(sim.fleet(), Duration.ofMinutes(31))).singleElement()
                .satisfies(x -> assertThat(x.action()).isEqualTo(IdleAction.STOP));
    }

    /**
     * A job a command left running that wrote over its environment with its process title (as
     * Python's setproctitle does for Ray, celery or vLLM, and Perl's {@code $0}) no longer shows
     * the run id; the session the SSH server started the command in still finds it.
     */
    @Test
    void aJobThatSetItsProcessTitleKeepsTheInstanceRunningAndThenItStops() throws Exception {
        keepsTheInstanceRunningUntilItEnds(TitledJobs.COMMAND);
    }

    /**
     * A daemon a command started that also set its title (Ray's processes, {@code gunicorn
     * --daemon}) is neither in the command's environment nor in its session; where the SSH server
     * starts each login in a scope of its own (systemd-logind), the scope still holds it.
     */
    @Test
    void aDaemonThatSetItsTitleKeepsTheInstanceRunningByTheLoginsScopeAndThenItStops() throws Exception {
        try (LoginScope scope = LoginScope.required()) {
            sim.cloud.server(ID).loginScope(scope);
            keepsTheInstanceRunningUntilItEnds(TitledJobs.DAEMON);
        }
    }

    /** Starts a titled job with {@code command} (see {@link TitledJobs}): the watcher keeps the instance while it runs, and stops it after. */
    private void keepsTheInstanceRunningUntilItEnds(String command) throws Exception {
        Files.createDirectories(work);
        // Commands record their sessions beside the on-instance guard, whose installer makes the folder
        // (GuardScriptTest); fleet installs no guard on a member at a loopback address, as this one is.
        Files.createDirectories(sim.memberHome.resolve(".fleet/guard/sessions"));
        ToolResult r = call(sim.fleet(), "execute_command", "member_name", "gpu", "command", command);
        assertThat(r.isError()).as(r.text()).isFalse();
        ProcessHandle job = TitledJobs.started(r.text());
        try {
            List<IdleWatcher.Decision> d = cycleAfter(sim.fleet(), Duration.ofMinutes(31));
            assertThat(d).singleElement().satisfies(x -> {
                assertThat(x.action()).isEqualTo(IdleAction.KEEP);
                assertThat(x.reason()).contains("busy:", "1 fleet command still running there");
            });
            assertThat(sim.ec2.requests("StopInstances")).isZero();
        } finally {
            TitledJobs.end(job);
        }
        sim.fleet().channels().releaseAll();
        assertThat(cycleAfter(sim.fleet(), Duration.ofMinutes(31))).singleElement()
                .satisfies(x -> assertThat(x.action()).isEqualTo(IdleAction.STOP));
    }

    @Test
    void aCallThatCameWhileTheInstanceWasCheckedIsSeenBeforeTheStop() throws Exception {
        // The activity check takes 3 s; during it, a call uses the member and is over before the stop.
        Path checking = work.resolve("checking");
        ToolResult r = call(sim.fleet(), "update_member", "member_name", "gpu",
                "cloud_activity_command", "touch " + checking + "; sleep 3; echo idle");
        assertThat(r.isError()).as(r.text()).isFalse();
        Files.createDirectories(work);
        clock.advance(Duration.ofMinutes(31));
        CompletableFuture<List<IdleWatcher.Decision>> cycle = CompletableFuture.supplyAsync(() -> sim.fleet().idleWatcher().cycle());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(checking));
        assertThat(call(sim.fleet(), "execute_command", "member_name", "gpu", "command", "echo quick").text()).contains("quick");
        assertThat(cycle.get(60, TimeUnit.SECONDS)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("used while it was checked");
        });
        assertThat(sim.ec2.requests("StopInstances")).isZero();
    }

    @Test
    void anExplicitStopIsRefusedWhileFleetWorkIsInFlightUnlessForced() throws Exception {
        Files.createDirectories(work);
        CompletableFuture<ToolResult> cmd = running(sim.fleet(), "first", "sleep 4; echo finished");
        ToolResult refused = call(sim.fleet(), "cloud_control", "member_name", "gpu", "action", "stop");
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("refused", "fleet has work in flight there (execute_command for", "force=true");
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(cmd.get(60, TimeUnit.SECONDS).text()).contains("finished");

        CompletableFuture<ToolResult> cut = running(sim.fleet(), "second", "sleep 60");
        ToolResult forced = call(sim.fleet(), "cloud_control", "member_name", "gpu", "action", "stop", "force", true);
        assertThat(forced.isError()).as(forced.text()).isFalse();
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
        assertThat(cut.get(60, TimeUnit.SECONDS).isError()).isTrue();

        assertThat(call(sim.fleet(), "cloud_control", "member_name", "gpu", "action", "status", "force", true).text())
                .contains("force", "applies to action=stop only");
    }
}
