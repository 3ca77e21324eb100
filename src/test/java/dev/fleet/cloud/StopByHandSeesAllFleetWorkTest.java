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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cloud_control stop} without {@code force} is refused while a fleet call works on the
 * instance, whichever fleet server made it (another editor window shares the registry) and under
 * whichever name (the instance's address registered again as a plain remote member): that work
 * would be cut off. {@code force=true} stops it all the same.
 */
class StopByHandSeesAllFleetWorkTest {
    static final String ID = "i-0abcabcabcabcabc2";

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    TwoNamedInstance machine;
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        machine = TwoNamedInstance.start(tmp, 131, clock, ID);
        sim = machine.sim;
    }

    @AfterEach
    void tearDown() throws Exception {
        machine.close();
    }

    @Test
    void aCommandOfAnotherServerOnTheMemberRefusesTheStop() throws Exception {
        try (Fleet other = sim.another()) {
            Build build = Build.through(other, "gpu", machine.work);
            ToolResult refused = sim.call("cloud_control", "member_name", "gpu", "action", "stop");
            assertThat(refused.isError()).as(refused.text()).isTrue();
            assertThat(refused.text()).contains("refused", "1 fleet command still running there", "force=true");
            assertThat(sim.ec2.requests("StopInstances")).isZero();
            assertThat(build.finish()).contains("finished");
        }
        // Once that work is over, the stop goes ahead.
        ToolResult stopped = sim.call("cloud_control", "member_name", "gpu", "action", "stop");
        assertThat(stopped.isError()).as(stopped.text()).isFalse();
        assertThat(sim.ec2.requests("StopInstances")).isOne();
    }

    @Test
    void aCommandThroughTheSecondNameInThisServerRefusesTheStop() throws Exception {
        Build build = Build.through(sim.fleet(), "gpu-ssh", machine.secondFolder);
        ToolResult refused = sim.call("cloud_control", "member_name", "gpu", "action", "stop");
        assertThat(refused.text()).contains("refused", "through gpu-ssh, another member on this machine");
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(build.finish()).contains("finished");
    }

    @Test
    void aCommandThroughTheSecondNameInAnotherServerRefusesTheStop() throws Exception {
        try (Fleet other = sim.another()) {
            Build build = Build.through(other, "gpu-ssh", machine.secondFolder);
            ToolResult refused = sim.call("cloud_control", "member_name", "gpu", "action", "stop");
            assertThat(refused.text()).contains("refused", "1 fleet command still running there");
            assertThat(sim.ec2.requests("StopInstances")).isZero();
            assertThat(build.finish()).contains("finished");
        }
    }

    @Test
    void forceStopsItAnyway() throws Exception {
        try (Fleet other = sim.another()) {
            Build build = Build.through(other, "gpu", machine.work);
            ToolResult forced = sim.call("cloud_control", "member_name", "gpu", "action", "stop", "force", true);
            assertThat(forced.isError()).as(forced.text()).isFalse();
            assertThat(sim.ec2.requests("StopInstances")).isOne();
            build.release();
        }
    }

    /** A hung machine is what a person most often stops by hand: a look that cannot be made does not refuse. */
    @Test
    void aMachineThatCannotBeLookedAtIsStoppedAsAsked() throws Exception {
        sim.cloud.server(ID).stop();
        sim.fleet().channels().releaseAll();
        ToolResult stopped = sim.call("cloud_control", "member_name", "gpu", "action", "stop");
        assertThat(stopped.isError()).as(stopped.text()).isFalse();
        assertThat(sim.ec2.requests("StopInstances")).isOne();
    }

    /**
     * A command that runs until the test lets it end (bounded: a minute at most), in the member's
     * folder {@code folder}, started through {@code server}.
     */
    private record Build(CompletableFuture<ToolResult> result, Path folder) {
        static Build through(Fleet server, String member, Path folder) {
            Map<String, Object> args = new LinkedHashMap<>(Map.of("member_name", member, "command",
                    "touch started; for i in $(seq 600); do [ -e release ] && break; sleep 0.1; done; echo finished",
                    "timeout_ms", 120_000));
            CompletableFuture<ToolResult> r = CompletableFuture.supplyAsync(() -> server.tools().run("execute_command", args,
                    ToolCall.NONE));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(folder.resolve("started")) || r.isDone());
            assertThat(r.isDone()).as("the build still runs").isFalse();
            return new Build(r, folder);
        }

        void release() throws Exception {
            Files.writeString(folder.resolve("release"), "");
        }

        String finish() throws Exception {
            release();
            return result.get(60, TimeUnit.SECONDS).text();
        }
    }
}
