package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.Fleet;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TwoNamedInstance;
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
 * The moment between a fleet server's last look at an idle instance and its stop request, with
 * another fleet server (another editor window on the same registry) beginning a call on the
 * machine right then. The stop is claimed in the registry under its lock: a call that began before
 * has written its use by then (at once, not a second later), and the claim sees it; a call that
 * begins after waits for the stop request, then finds the instance stopping and starts it again.
 * Either way no call runs on a machine that is going away.
 */
class ClaimedStopTest {
    static final String ID = "i-0abcabcabcabcabc3";

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    TwoNamedInstance machine;
    CloudFleet sim;
    RegistryStore registry;
    Path work;
    Path secondFolder;

    @BeforeEach
    void setUp() throws Exception {
        machine = TwoNamedInstance.start(tmp, 141, clock, ID);
        sim = machine.sim;
        work = machine.work;
        secondFolder = machine.secondFolder;
        registry = new RegistryStore(new DataDir(sim.fleet().dataDir().root()), new RegistryCodec(new ObjectMapper()));
    }

    @AfterEach
    void tearDown() throws Exception {
        machine.close();
    }

    /** Another server's stop, claimed before the call began: the call waits, then starts the instance again. */
    @Test
    void aCallWaitsForAClaimedStopThenStartsTheInstanceAgain() throws Exception {
        // This server has just seen the instance running: without the claim it would trust that for 30 s.
        assertThat(run(sim.fleet(), "gpu", "echo warm").get(60, TimeUnit.SECONDS).text()).contains("warm");
        Instant claim = claimStop();

        CompletableFuture<ToolResult> call = run(sim.fleet(), "gpu", "touch ran; echo after-the-stop");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !Files.exists(work.resolve("ran")));
        assertThat(call.isDone()).isFalse();

        stopAndRelease(claim);

        ToolResult r = call.get(60, TimeUnit.SECONDS);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("after-the-stop");
        assertThat(sim.ec2.requests("StartInstances")).isOne();
    }

    /** The same through the machine's second name, a plain remote member at the instance's address. */
    @Test
    void aCallThroughTheSecondNameWaitsForAClaimedStopToo() throws Exception {
        Instant claim = claimStop();
        CompletableFuture<ToolResult> call = run(sim.fleet(), "gpu-ssh", "touch ran; echo through-the-second-name");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !Files.exists(secondFolder.resolve("ran")));
        assertThat(call.isDone()).isFalse();

        releaseStop(claim);
        assertThat(call.get(60, TimeUnit.SECONDS).text()).contains("through-the-second-name");
    }

    /** A start by hand while another server's stop is being requested starts the instance again once it is stopping. */
    @Test
    void aStartByHandWaitsForAClaimedStop() throws Exception {
        assertThat(run(sim.fleet(), "gpu", "echo warm").get(60, TimeUnit.SECONDS).text()).contains("warm");
        Instant claim = claimStop();
        Map<String, Object> args = Map.of("member_name", "gpu", "action", "start");
        CompletableFuture<ToolResult> start = CompletableFuture.supplyAsync(() -> sim.fleet().tools().run("cloud_control", args,
                ToolCall.NONE));
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !start.isDone());

        stopAndRelease(claim);
        ToolResult r = start.get(60, TimeUnit.SECONDS);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("started; SSH answers");
        assertThat(sim.ec2.requests("StartInstances")).isOne();
    }

    /** A claim left by a server that ended mid-stop holds nothing back once it has lapsed. */
    @Test
    void aLapsedClaimHoldsNothingBack() throws Exception {
        claimStop();
        clock.advance(CloudLifecycle.CLAIM_LAPSES.plusSeconds(1));
        assertThat(run(sim.fleet(), "gpu", "echo free").get(30, TimeUnit.SECONDS).text()).contains("free");
    }

    /** A call's use is in the registry before its command runs, for a claim made meanwhile to see. */
    @Test
    void aCallsUseIsWrittenBeforeItsCommandRuns() throws Exception {
        clock.advance(Duration.ofMinutes(10));
        Instant callTime = clock.instant();
        for (String name : List.of("gpu", "gpu-ssh")) {
            Path folder = name.equals("gpu") ? work : secondFolder;
            CompletableFuture<ToolResult> call = run(sim.fleet(), name,
                    "touch started; for i in $(seq 300); do [ -e release ] && break; sleep 0.1; done; echo done");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(folder.resolve("started")) || call.isDone());
            assertThat(member(name).lastUsed()).as(name).isEqualTo(callTime);
            Files.writeString(folder.resolve("release"), "");
            assertThat(call.get(60, TimeUnit.SECONDS).text()).contains("done");
        }
    }

    /**
     * A call through the second name, begun and ended while the idle watcher looked at the instance,
     * keeps it: the watcher's last look reads when the second name was used.
     */
    @Test
    void aCallThroughTheSecondNameDuringTheLookKeepsTheInstance() throws Exception {
        Path checking = work.resolve("checking");
        Path go = work.resolve("go");
        ToolResult r = sim.call("update_member", "member_name", "gpu", "cloud_activity_command",
                "touch " + checking + "; for i in $(seq 300); do [ -e " + go + " ] && break; sleep 0.1; done; echo idle");
        assertThat(r.isError()).as(r.text()).isFalse();
        clock.advance(Duration.ofMinutes(31));
        sim.fleet().channels().releaseAll();
        CompletableFuture<List<IdleWatcher.Decision>> cycle = CompletableFuture.supplyAsync(() -> sim.fleet().idleWatcher().cycle());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(checking));

        clock.advance(Duration.ofSeconds(5));
        try (Fleet other = sim.another()) {
            assertThat(run(other, "gpu-ssh", "echo quick").get(30, TimeUnit.SECONDS).text()).contains("quick");
        }
        Files.writeString(go, "");

        assertThat(cycle.get(60, TimeUnit.SECONDS)).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(IdleAction.KEEP);
            assertThat(d.reason()).contains("used while it was checked");
        });
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(member("gpu").stopRequestedAt()).as("no claim is left behind").isNull();
    }

    /** A stop by hand claims and releases like the idle watcher's. */
    @Test
    void aStopByHandLeavesNoClaimBehind() throws Exception {
        ToolResult stopped = sim.call("cloud_control", "member_name", "gpu", "action", "stop");
        assertThat(stopped.isError()).as(stopped.text()).isFalse();
        assertThat(member("gpu").stopRequestedAt()).isNull();
        assertThat(sim.ec2.requests("StopInstances")).isOne();
    }

    private Instant claimStop() {
        Instant at = clock.instant();
        registry.update(r -> r.replacing(member("gpu").id(), m -> m.toBuilder().stopRequestedAt(at).build()));
        return at;
    }

    /** The other server's stop request, then the end of its claim. */
    private void stopAndRelease(Instant claim) throws Exception {
        sim.cloud.server(ID).stop();
        sim.ec2.instance(ID).setState(FakeEc2.State.STOPPED);
        releaseStop(claim);
    }

    private void releaseStop(Instant claim) {
        registry.update(r -> r.replacing(member("gpu").id(), m -> claim.equals(m.stopRequestedAt())
                ? m.toBuilder().stopRequestedAt(null).build() : m));
    }

    private Member member(String name) {
        return registry.read().byName(name).orElseThrow();
    }

    private static CompletableFuture<ToolResult> run(Fleet server, String member, String command) {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("member_name", member, "command", command, "timeout_ms", 60_000));
        return CompletableFuture.supplyAsync(() -> server.tools().run("execute_command", args, ToolCall.NONE));
    }
}
