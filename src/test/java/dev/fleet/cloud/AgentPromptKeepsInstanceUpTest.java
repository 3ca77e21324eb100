package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.Fleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud member whose agent is Codex: while a Codex prompt runs on the instance, the idle
 * watcher keeps the instance up, however long past its idle timeout the prompt runs: the watcher
 * of the server running the prompt knows its call is in flight, and the watcher of another fleet
 * server on the same registry sees the prompt's processes on the member. Once the prompt has
 * ended, the instance stops after its idle timeout as usual.
 */
class AgentPromptKeepsInstanceUpTest {
    static final String ID = "i-0ccccccccccccccc3";

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    SimulatedCloud cloud;
    Fleet fleet;
    Fleet other;

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 61);
        cloud.ec2.clock(clock); // launch times on the clock the fleet reads
        Map<String, String> env = cloud.env();
        fleet = new Fleet(env, clock, () -> { });
        other = new Fleet(env, clock, () -> { });
        TestHome.installFakeCli(cloud.memberHome, "codex", "codex-cli 0.46.0");
        cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        ToolResult r = call("register_member", "friendly_name", "gpu-codex", "member_type", "remote", "username", TestSshServer.USER,
                "port", cloud.sshPort, "work_folder", cloud.memberHome.resolve("work").toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", cloud.key.toString(), "cloud_idle_timeout_min", 10, "llm_provider", "codex");
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        other.close();
        fleet.close();
        cloud.close();
    }

    private ToolResult call(String tool, Object... kv) {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            args.put((String) kv[i], kv[i + 1]);
        }
        return fleet.tools().run(tool, args, ToolCall.NONE);
    }

    private List<IdleWatcher.Decision> cycleAfter(Duration d, Fleet server) {
        clock.advance(d);
        return server.idleWatcher().cycle();
    }

    @Test
    void aRunningCodexPromptKeepsTheInstanceUpPastItsIdleTimeout() throws Exception {
        Path state = cloud.memberHome.resolve(".fake-codex");
        Files.writeString(state.resolve("mode"), "stubborn");
        // The fake clock jumps half an hour below; the inactivity limit is off so only the idle watcher is tested.
        CompletableFuture<ToolResult> prompt = CompletableFuture.supplyAsync(() -> call("execute_prompt", "member_name", "gpu-codex",
                "prompt", "train for a long time", "inactivity_timeout_ms", 0));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(state.resolve("children.txt"))
                && Files.readAllLines(state.resolve("children.txt")).size() >= 4);

        for (int i = 0; i < 3; i++) {
            assertThat(cycleAfter(Duration.ofMinutes(11), fleet)).singleElement()
                    .satisfies(d -> assertThat(d.reason()).contains("fleet work in flight (execute_prompt"));
            assertThat(cycleAfter(Duration.ofMinutes(11), other)).as("another server sees the prompt on the member").singleElement()
                    .satisfies(d -> {
                        assertThat(d.action()).isEqualTo(IdleAction.KEEP);
                        assertThat(d.reason()).contains("fleet command");
                    });
        }
        assertThat(cloud.ec2.requests("StopInstances")).isZero();
        assertThat(cloud.ec2.instance(ID).state()).isEqualTo(FakeEc2.State.RUNNING);

        assertThat(call("stop_prompt", "member_name", "gpu-codex").text()).contains("Stopped the prompt");
        assertThat(prompt.get(30, TimeUnit.SECONDS).text()).contains("[cancelled]");
        // Idle again: the usual timeout applies, counted from the last time work was seen.
        assertThat(cycleAfter(Duration.ofMinutes(11), other)).singleElement().satisfies(d -> assertThat(d.action()).isEqualTo(IdleAction.STOP));
        assertThat(cloud.ec2.requests("StopInstances")).isEqualTo(1);
    }
}
