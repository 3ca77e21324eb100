package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults at the member boundary: the instance's SSH server goes away mid-command. The call ends
 * in a clear error and the server keeps serving.
 */
class FaultsTest {
    static final String ID = "i-0fa017000000000f1";

    @TempDir
    Path tmp;
    CloudFleet sim;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 121, Clock.systemUTC(), Map.of());
        sim.cloud.machine(ID, "c6i.large", FakeEc2.State.RUNNING);
        work = Files.createDirectories(sim.memberHome.resolve("w"));
        ToolResult r = sim.call("register_member", "friendly_name", "box", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", work.toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", sim.key.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private void stillServing() {
        ToolResult list = sim.call("list_members");
        assertThat(list.isError()).as(list.text()).isFalse();
        assertThat(list.text()).contains("box");
    }

    @Test
    void theSshServerGoneMidCommandEndsTheCallWithAClearErrorAndTheServerKeepsServing() throws Exception {
        CompletableFuture<ToolResult> cmd = CompletableFuture.supplyAsync(() -> sim.call("execute_command",
                "member_name", "box", "command", "touch started; sleep 30; echo finished", "timeout_ms", 60_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve("started")) || cmd.isDone());
        assertThat(cmd.isDone()).as("the command runs").isFalse();
        sim.cloud.server(ID).stop();

        ToolResult r = cmd.get(60, TimeUnit.SECONDS);
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(r.text()).doesNotContain("finished").doesNotContain("at dev.fleet").doesNotContain("Exception");
        stillServing();
    }
}
