package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.Fleet;
import dev.fleet.testing.CloudFleet;
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
 * One machine registered twice: as the cloud member, and again at the instance's address as a
 * plain remote member (another work folder; only a second cloud member on one instance is
 * refused). Work run through the second name is work on the instance: it is never stopped under it.
 */
class MachineUnderTwoNamesTest {
    static final String ID = "i-0abcabcabcabcabc1";

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    TwoNamedInstance machine;
    CloudFleet sim;
    Path secondFolder;

    @BeforeEach
    void setUp() throws Exception {
        machine = TwoNamedInstance.start(tmp, 171, clock, ID);
        sim = machine.sim;
        secondFolder = machine.secondFolder;
    }

    @AfterEach
    void tearDown() throws Exception {
        machine.close();
    }

    /** A call through the second name in this server: found in its calls in flight. */
    @Test
    void aCommandThroughTheSecondNameInThisServerKeepsTheInstance() throws Exception {
        CompletableFuture<ToolResult> build = building(sim.fleet());
        List<IdleWatcher.Decision> d = cycleAfter31Minutes();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.action()).isEqualTo(IdleAction.KEEP);
            assertThat(x.reason()).contains("fleet work in flight through gpu-ssh, another member on this machine");
        });
        assertThat(build.get(60, TimeUnit.SECONDS).text()).contains("finished");
        assertThat(sim.ec2.requests("StopInstances")).isZero();
    }

    /** A call through the second name in another fleet server: found on the machine, among this login's fleet commands. */
    @Test
    void aCommandThroughTheSecondNameInAnotherServerKeepsTheInstance() throws Exception {
        try (Fleet other = sim.another()) {
            CompletableFuture<ToolResult> build = building(other);
            List<IdleWatcher.Decision> d = cycleAfter31Minutes();
            assertThat(d).singleElement().satisfies(x -> {
                assertThat(x.action()).isEqualTo(IdleAction.KEEP);
                assertThat(x.reason()).contains("1 fleet command still running there");
            });
            assertThat(build.get(60, TimeUnit.SECONDS).text()).contains("finished");
        }
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        // Once it is over, the instance is idle and stops after its timeout.
        assertThat(cycleAfter31Minutes()).singleElement().satisfies(x -> assertThat(x.action()).isEqualTo(IdleAction.STOP));
    }

    private CompletableFuture<ToolResult> building(Fleet server) {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("member_name", "gpu-ssh",
                "command", "touch started; sleep 12; echo finished", "timeout_ms", 120_000));
        CompletableFuture<ToolResult> build = CompletableFuture.supplyAsync(() -> server.tools().run("execute_command", args, ToolCall.NONE));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(secondFolder.resolve("started")) || build.isDone());
        assertThat(build.isDone()).as("the build still runs").isFalse();
        return build;
    }

    private List<IdleWatcher.Decision> cycleAfter31Minutes() {
        clock.advance(Duration.ofMinutes(31));
        sim.fleet().channels().releaseAll();
        return sim.fleet().idleWatcher().cycle();
    }
}
