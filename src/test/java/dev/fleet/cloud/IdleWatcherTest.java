package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TestSshServer;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle watcher against a simulated cloud, driven by a clock the test moves: idle instances
 * stop after their own timeout and not before; any sign of work, or any doubt, keeps them running.
 */
class IdleWatcherTest {
    static final String ID = "i-0aaaaaaaaaaaaaaa1";
    static final String ID2 = "i-0bbbbbbbbbbbbbbb2";

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        // The bound in force (30 s): each cycle connects afresh, and on a loaded machine a check
        // through a new connection can take seconds. A short bound made an idle member read as
        // unknown, and kept, now and then. Only the test of a hanging check shortens it.
        simWith(tmp, Map.of());
    }

    private void simWith(Path dir, Map<String, String> settings) throws Exception {
        sim = new CloudFleet(dir, 41, clock, settings);
        gpu("none");
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    /** A running instance with an SSH server on its own loopback address. */
    private TestSshServer running(String id) throws Exception {
        sim.cloud.machine(id, "g5.xlarge", FakeEc2.State.RUNNING);
        return sim.cloud.server(id);
    }

    private void register(String name, String id, int timeoutMin, String activityCommand) {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("friendly_name", name, "member_type", "remote",
                "username", TestSshServer.USER, "port", sim.sshPort, "work_folder", sim.memberHome.resolve("w-" + name).toString(),
                "cloud_instance_id", id, "cloud_ssh_key_path", sim.key.toString(), "cloud_idle_timeout_min", timeoutMin));
        if (activityCommand != null) {
            args.put("cloud_activity_command", activityCommand);
        }
        ToolResult r = sim.fleet().tools().run("register_member", args, ToolCall.NONE);
        assertThat(r.isError()).as(r.text()).isFalse();
        sim.fleet().channels().releaseAll(); // each cycle connects afresh, as after minutes of quiet
    }

    /** The member's fake nvidia-smi: none | busy | hang | fail. */
    private void gpu(String mode) throws Exception {
        Path bin = Files.createDirectories(sim.memberHome.resolve(".local/bin"));
        Path smi = bin.resolve("nvidia-smi");
        String body = switch (mode) {
            case "busy" -> "echo '4242, 19000'";
            case "hang" -> "sleep 60";
            case "fail" -> "echo 'NVIDIA-SMI has failed' >&2; exit 9";
            default -> "true";
        };
        Files.writeString(smi, "#!/bin/sh\ncase \"$*\" in *query-compute-apps*) " + body + " ;; *) echo '0, 0, 24000' ;; esac\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private boolean lastUsedIsAtLeast(String name, Instant at) throws Exception {
        for (var m : new com.fasterxml.jackson.databind.ObjectMapper().readTree(sim.cloud.home.dataDir().resolve("registry.json").toFile())
                .get("agents")) {
            if (m.get("friendlyName").asText().equals(name)) {
                return !Instant.parse(m.get("lastUsed").asText()).isBefore(at);
            }
        }
        return false;
    }

    private String statusText() {
        ToolResult r = sim.fleet().tools().run("fleet_status", Map.of(), ToolCall.NONE);
        assertThat(r.isError()).as(r.text()).isFalse();
        return r.text();
    }

    private String hostOf(String name) throws Exception {
        for (var m : new com.fasterxml.jackson.databind.ObjectMapper().readTree(sim.cloud.home.dataDir().resolve("registry.json").toFile())
                .get("agents")) {
            if (m.get("friendlyName").asText().equals(name)) {
                return m.get("host").asText();
            }
        }
        throw new AssertionError("no member " + name);
    }

    private List<IdleWatcher.Decision> cycleAfter(Duration d) {
        clock.advance(d);
        return sim.fleet().idleWatcher().cycle();
    }

    @Test
    void anIdleInstanceStopsAfterItsTimeoutAndNotBefore() throws Exception {
        running(ID);
        register("idle", ID, 30, null);
        assertThat(cycleAfter(Duration.ofMinutes(29))).isEmpty();
        assertThat(sim.ec2.requests("StopInstances")).isZero();

        List<IdleWatcher.Decision> d = cycleAfter(Duration.ofMinutes(2));
        assertThat(d).singleElement().satisfies(x -> assertThat(x.action()).as(x.reason()).isEqualTo(IdleAction.STOP));
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
        assertThat(cycleAfter(Duration.ofMinutes(1))).allSatisfy(x -> assertThat(x.action()).isNotEqualTo(IdleAction.STOP));
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
    }

    @Test
    void gpuWorkKeepsItRunningAndCountsAsActivity() throws Exception {
        running(ID);
        register("gpu", ID, 30, null);
        gpu("busy");
        assertThat(cycleAfter(Duration.ofMinutes(31))).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("busy: 1 GPU compute process"));
        // Busy restarted the idle clock (written in the background): a minute later nothing is even checked.
        Instant busyAt = clock.instant();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lastUsedIsAtLeast("gpu", busyAt));
        assertThat(cycleAfter(Duration.ofMinutes(1))).isEmpty();
        assertThat(sim.ec2.requests("StopInstances")).isZero();
    }

    @Test
    void theActivityCommandLiveTasksAndAgentsKeepItRunning() throws Exception {
        running(ID);
        Path flag = sim.memberHome.resolve("busy.flag");
        register("custom", ID, 10, "if [ -f " + flag + " ]; then echo busy; else echo idle; fi");
        Files.writeString(flag, "x");
        assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("activity command says busy"));
        Files.delete(flag);

        // A live task: its wrapper runs.
        Path task = Files.createDirectories(sim.memberHome.resolve(".fleet-tasks/task-abcd1234"));
        Files.writeString(task.resolve("run.sh"), "sleep 60\n");
        Process sleeper = new ProcessBuilder("bash", task.resolve("run.sh").toString()).start();
        try {
            Files.writeString(task.resolve("task.pid"), String.valueOf(sleeper.pid()));
            assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement()
                    .satisfies(x -> assertThat(x.reason()).contains("1 live fleet task"));
        } finally {
            sleeper.destroyForcibly();
        }
        // A task whose process is gone but whose activity marker is fresh.
        Files.writeString(task.resolve("task.pid"), "999999");
        Files.writeString(task.resolve("activity"), "");
        assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("1 live fleet task"));
        Files.setLastModifiedTime(task.resolve("activity"), java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));

        // An agent working in the member's folder.
        Path folder = sim.memberHome.resolve("w-custom");
        Process agent = new ProcessBuilder("/bin/bash", "-c", "exec -a claude-agent sleep 60").directory(folder.toFile()).start();
        try {
            assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement()
                    .satisfies(x -> assertThat(x.reason()).contains("agent running in the work folder"));
        } finally {
            agent.destroyForcibly();
        }
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !agent.isAlive());

        // The task's pid now belongs to another process (its wrapper died unrecorded, the pid was
        // reused): that process is not the task, which keeps the instance no longer.
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(task.resolve("task.pid"), String.valueOf(other.pid()));
            assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement().satisfies(x -> assertThat(x.action()).as(x.reason()).isEqualTo(IdleAction.STOP));
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void doubtNeverStopsAnInstance() throws Exception {
        // A hanging nvidia-smi is cut off by the check's bound: a short one keeps this test short.
        sim.close();
        simWith(tmp.resolve("short-checks"), Map.of("FLEET_ACTIVITY_TIMEOUT_MS", "2000"));
        TestSshServer machine = running(ID);
        register("doubt", ID, 10, null);

        gpu("hang");
        assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("unknown", "nvidia-smi did not answer"));
        gpu("fail");
        assertThat(cycleAfter(Duration.ofMinutes(1))).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("unknown", "nvidia-smi failed"));
        // Unknown for longer than the idle timeout: the instance runs on, and the user hears of it.
        assertThat(statusText()).doesNotContain("idle checks have not been able to tell");
        assertThat(cycleAfter(Duration.ofMinutes(10))).singleElement().satisfies(x -> assertThat(x.reason()).contains("unknown"));
        assertThat(statusText()).contains("idle checks have not been able to tell whether this instance is idle for 11m",
                "nvidia-smi failed", "cloud_control stop");
        gpu("none");

        sim.ec2.failNext(50);
        assertThat(cycleAfter(Duration.ofMinutes(1))).singleElement().satisfies(x -> assertThat(x.reason()).contains("unknown"));
        sim.ec2.failNext(0);
        sim.ec2.throttleNext(50);
        assertThat(cycleAfter(Duration.ofMinutes(1))).singleElement().satisfies(x -> assertThat(x.reason()).contains("unknown"));
        sim.ec2.throttleNext(0);

        machine.stop();
        assertThat(cycleAfter(Duration.ofMinutes(1))).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("unknown", "unreachable"));
        assertThat(sim.ec2.requests("StopInstances")).isZero();
    }

    @Test
    void aServerThatCouldExitLearnsWhichInstanceTheWatcherMustStillStop() throws Exception {
        IdleWatcher watcher = sim.fleet().idleWatcher();
        assertThat(watcher.instanceStillToStop()).as("no cloud member").isEmpty();
        running(ID);
        register("trainer", ID, 30, null);
        assertThat(watcher.instanceStillToStop()).contains("cloud member trainer is running");

        sim.ec2.failNext(50);
        assertThat(watcher.instanceStillToStop()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("cannot read the state of cloud member trainer"));
        sim.ec2.failNext(0);

        assertThat(cycleAfter(Duration.ofMinutes(31))).singleElement().satisfies(x -> assertThat(x.action()).as(x.reason()).isEqualTo(IdleAction.STOP));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> sim.ec2.instance(ID).state() == FakeEc2.State.STOPPED);
        assertThat(watcher.instanceStillToStop()).as("nothing left to stop").isEmpty();
    }

    @Test
    void timeoutsArePerMemberAndARestartedServerDoesNotStopEarly() throws Exception {
        running(ID);
        running(ID2);
        register("short", ID, 10, null);
        register("long", ID2, 60, null);

        // A new server (another process) reads lastUsed from the registry: nothing stops early.
        sim.restart();
        List<IdleWatcher.Decision> at20 = cycleAfter(Duration.ofMinutes(20));
        assertThat(at20).extracting(IdleWatcher.Decision::member).containsExactly("short");
        assertThat(sim.ec2.instance(ID2).state()).isEqualTo(FakeEc2.State.RUNNING);
        assertThat(cycleAfter(Duration.ofMinutes(41))).extracting(IdleWatcher.Decision::action).contains(IdleAction.STOP);
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(2);
    }

    @Test
    void concurrentCyclesStopAnInstanceOnce() throws Exception {
        running(ID);
        register("once", ID, 5, null);
        clock.advance(Duration.ofMinutes(6));
        CompletableFuture<List<IdleWatcher.Decision>> a = CompletableFuture.supplyAsync(() -> sim.fleet().idleWatcher().cycle());
        CompletableFuture<List<IdleWatcher.Decision>> b = CompletableFuture.supplyAsync(() -> sim.fleet().idleWatcher().cycle());
        a.join();
        b.join();
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
    }

    /**
     * Started outside fleet (the console, a script) hours after fleet last used it: the start counts
     * as use for one idle timeout, and the check then looks at the instance's new address, not
     * the one it had before (where nothing answers any more, so the instance was never stopped).
     */
    @Test
    void anInstanceStartedOutsideFleetKeepsItsTimeoutAndIsCheckedAtItsNewAddress() throws Exception {
        running(ID);
        register("byhand", ID, 30, null);
        String before = hostOf("byhand");
        try (var console = FakeEc2.client(sim.ec2.endpoint())) {
            console.stopInstances(b -> b.instanceIds(ID));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> sim.ec2.instance(ID).state() == FakeEc2.State.STOPPED);
            clock.advance(Duration.ofHours(3));
            console.startInstances(b -> b.instanceIds(ID));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> sim.ec2.instance(ID).state() == FakeEc2.State.RUNNING);
        }
        String after = sim.ec2.instance(ID).publicIp();
        assertThat(after).isNotEqualTo(before);

        assertThat(cycleAfter(Duration.ofMinutes(5))).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("started at", "less than its idle timeout");
        });
        // The start was recorded as the last use (in the background): until its timeout, nothing is even checked.
        Instant launched = sim.ec2.instance(ID).launchTime();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lastUsedIsAtLeast("byhand", launched));
        assertThat(cycleAfter(Duration.ofMinutes(20))).isEmpty();
        assertThat(cycleAfter(Duration.ofMinutes(6))).singleElement().satisfies(x -> assertThat(x.action()).as(x.reason()).isEqualTo(IdleAction.STOP));
        assertThat(hostOf("byhand")).isEqualTo(after);
    }

    /**
     * Another fleet server points the member at another instance while this one checks it: the
     * stop must not hit the instance nobody looked at (nor does the one looked at stop: the next
     * cycle looks at the member as it is now).
     */
    @Test
    void aMemberPointedElsewhereWhileItIsCheckedStopsNothing() throws Exception {
        running(ID);
        String other = "i-0bbbbbbbbbbbbbbb2";
        running(other);
        Path started = sim.memberHome.resolve("look.started");
        Path go = sim.memberHome.resolve("look.go");
        register("moved", ID, 10, "touch " + started + "; i=0; while [ ! -f " + go + " ] && [ $i -lt 200 ]; do sleep 0.05; "
                + "i=$((i+1)); done; echo idle");
        clock.advance(Duration.ofMinutes(11));
        CompletableFuture<List<IdleWatcher.Decision>> cycle = CompletableFuture.supplyAsync(() -> sim.fleet().idleWatcher().cycle());
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started));
            try (var beside = sim.another()) {
                ToolResult r = beside.tools().run("update_member", Map.of("member_name", "moved", "cloud_instance_id", other),
                        ToolCall.NONE);
                assertThat(r.isError()).as(r.text()).isFalse();
            }
        } finally {
            Files.writeString(go, "");
        }
        assertThat(cycle.get(30, java.util.concurrent.TimeUnit.SECONDS)).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("changed while it was checked");
        });
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(sim.ec2.instance(other).state()).isEqualTo(FakeEc2.State.RUNNING);
    }

    /** Edits every member in the registry file, as a person or an older tool may have written it. */
    private void editMembers(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit) throws Exception {
        Path registry = sim.cloud.home.dataDir().resolve("registry.json");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = mapper.readTree(registry.toFile());
        for (var m : root.get("agents")) {
            edit.accept((com.fasterxml.jackson.databind.node.ObjectNode) m);
        }
        mapper.writeValue(registry.toFile(), root);
    }

    /** A member the registry holds no date for (written by hand, or by an older tool) is checked like any other. */
    @Test
    void aMemberWithoutAnyDateIsCheckedAndStoppedWhenIdle() throws Exception {
        running(ID);
        register("undated", ID, 10, null);
        editMembers(m -> m.remove(List.of("lastUsed", "createdAt")));
        assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement().satisfies(x -> assertThat(x.action()).as(x.reason()).isEqualTo(IdleAction.STOP));
    }

    /**
     * A last use recorded ahead of the clock (a PM whose clock once ran hours ahead) does not hold
     * the member out of the checks until then: it is checked, found idle and stopped
     * ({@code ActivityRecorderTest}: a use recorded now replaces the wrong time).
     */
    @Test
    void aLastUseRecordedAheadOfTheClockDoesNotHoldTheMemberOutOfTheChecks() throws Exception {
        running(ID);
        register("ahead", ID, 10, null);
        editMembers(m -> m.put("lastUsed", clock.instant().plus(Duration.ofHours(5)).toString()));

        // Within the idle timeout of the instance's start nothing is stopped; after it, the checks decide.
        assertThat(cycleAfter(Duration.ofMinutes(11))).singleElement().satisfies(x -> assertThat(x.action()).as(x.reason()).isEqualTo(IdleAction.STOP));
    }
}
