package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.base.Sleeper;
import dev.fleet.cloud.aws.Ec2Provider;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.member.WorkLedger;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.TestSshServer;
import dev.fleet.tools.ToolResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one stop path of cloud instances, against the simulated cloud. */
class CloudLifecycleTest {
    static final String ID = "i-0cccccccccccccc03";

    @TempDir
    Path tmp;
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 51, Clock.systemUTC(), Map.of());
        sim.cloud.machine(ID, "t3.small", FakeEc2.State.RUNNING);
        ToolResult r = sim.call("register_member", "friendly_name", "box", "member_type", "remote", "username", TestSshServer.USER,
                "port", sim.sshPort, "work_folder", sim.memberHome.resolve("w").toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", sim.key.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    @Test
    void aStopForgetsThatTheInstanceRanSoTheNextCallStartsItAgain() {
        assertThat(sim.call("execute_command", "member_name", "box", "command", "echo up").isError()).isFalse();
        assertThat(sim.call("cloud_control", "member_name", "box", "action", "stop").isError()).isFalse();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sim.ec2.instance(ID).state() == FakeEc2.State.STOPPED);

        ToolResult again = sim.call("execute_command", "member_name", "box", "command", "echo again");
        assertThat(again.isError()).as(again.text()).isFalse();
        assertThat(again.text()).contains("again");
        assertThat(sim.ec2.requests("StartInstances")).isEqualTo(1);
    }

    @Test
    void workInFlightKeepsTheInstanceRunningAndSaysWhy() throws Exception {
        RegistryStore store = new RegistryStore(new DataDir(sim.home.dataDir()), new RegistryCodec(new ObjectMapper()));
        Member box = store.read().byName("box").orElseThrow();
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
        try (CloudProviders providers = new CloudProviders(() -> new Ec2Provider(sim.ec2.endpoint().toString(), sim.cloud.env()));
             ActivityRecorder activity = new ActivityRecorder(store, clock)) {
            WorkLedger work = new WorkLedger(clock, activity);
            CloudLifecycle lifecycle = new CloudLifecycle(providers, store, Clock.systemUTC(),
                    CloudLifecycle.Timing.of(Duration.ofSeconds(20), Duration.ofSeconds(3), Duration.ofMillis(50)), Sleeper.REAL,
                    CloudLifecycle.AfterStart.NONE, sim.fleet().channels(), work, CloudLifecycle.StartGate.OPEN);
            WorkLedger.Entry prompt = work.begin(box.id(), "execute_prompt");

            assertThatThrownBy(() -> lifecycle.stop(box, false)).isInstanceOf(CloudLifecycle.WorkInFlightException.class)
                    .hasMessageContaining("was not stopped").hasMessageContaining("(execute_prompt for 0s)");
            assertThat(sim.ec2.requests("StopInstances")).isZero();
            assertThat(sim.ec2.instance(ID).state()).isEqualTo(FakeEc2.State.RUNNING);

            // The user's explicit word stops it, and says what was cut off.
            CloudLifecycle.Stopped forced = lifecycle.stop(box, true);
            assertThat(forced.cutOff()).isEqualTo("execute_prompt for 0s");
            prompt.close();
        }
        assertThat(sim.ec2.requests("StopInstances")).isEqualTo(1);
    }
}
