package dev.fleet.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.agentcli.AgentCli;
import dev.fleet.base.RequestRefused;
import dev.fleet.base.Sleeper;
import dev.fleet.budget.Budgets;
import dev.fleet.budget.SpendLedger;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProvider;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.cloud.Pricing;
import dev.fleet.exec.Channels;
import dev.fleet.exec.LocalChannel;
import dev.fleet.exec.LoginEnvironment;
import dev.fleet.exec.SpillFiles;
import dev.fleet.guard.GuardService;
import dev.fleet.guard.GuardSettings;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.AgentType;
import dev.fleet.member.AuthType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.member.WorkLedger;
import dev.fleet.os.OsCommands;
import dev.fleet.probe.DetailService;
import dev.fleet.probe.GpuProbe;
import dev.fleet.probe.StatusService;
import dev.fleet.testing.NoRemoteMembers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet_status tells a check that failed from one that took too long: an unexpected failure while
 * a member is looked at is reported as that failure (its kind, never what its message quotes).
 */
class FleetProbeTest {
    private static final String SECRET = "sk-live-0123456789";

    @TempDir
    Path tmp;
    ExecutorService pool = Executors.newCachedThreadPool();
    Clock clock = Clock.systemUTC();
    RegistryStore store;
    ActivityRecorder activity;
    Channels channels;
    CloudProviders providers;
    /** What the cloud's describe call throws. */
    volatile RuntimeException describeFails;

    @BeforeEach
    void setUp() {
        store = new RegistryStore(new DataDir(tmp.resolve("data")).ensureExists(), new RegistryCodec(new ObjectMapper()));
        activity = new ActivityRecorder(store, clock);
        channels = new Channels(new LocalChannel(OsCommands.forOs(MemberOs.current()),
                new LoginEnvironment(Map.of("HOME", tmp.toString()), tmp), new SpillFiles(tmp.resolve("out"), clock), pool),
                new NoRemoteMembers());
        providers = new CloudProviders(FailingCloud::new);
        store.update(r -> r.with(Member.builder().id("gpu-id").friendlyName("gpu").agentType(AgentType.REMOTE)
                .host("127.0.0.1").port(22).username("fleet").authType(AuthType.KEY).workFolder("/w")
                .createdAt(Instant.parse("2026-01-01T00:00:00Z"))
                .cloud(new CloudConfig("aws", "i-0abcdef0123456789", "us-east-1", null, 30, null, null, Map.of())).build()));
    }

    @AfterEach
    void tearDown() {
        providers.close();
        activity.close();
        pool.shutdownNow();
    }

    private FleetProbe probe() {
        CloudLifecycle lifecycle = new CloudLifecycle(providers, store, clock,
                CloudLifecycle.Timing.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(50)), Sleeper.REAL,
                CloudLifecycle.AfterStart.NONE, channels, new WorkLedger(clock, activity), CloudLifecycle.StartGate.OPEN);
        Budgets budgets = new Budgets(new SpendLedger(tmp.resolve("data"), clock), null, 10, clock);
        return new FleetProbe(store, new StatusService(channels, pool, Duration.ofSeconds(5)),
                new DetailService(channels, pool, Duration.ofSeconds(5), AgentCli::checks),
                new CloudStatus(lifecycle, new Pricing(tmp.resolve("pricing.json")), clock), new GpuProbe(channels), budgets,
                new GuardService(channels, providers, store, new GuardSettings(true, false, 5), m -> 30), pool,
                Duration.ofSeconds(10), m -> java.util.Optional.empty());
    }

    @Test
    void anUnexpectedFailureIsReportedAsThatFailureNotAsATimeoutAndWithoutItsMessage() {
        describeFails = new IllegalStateException("the endpoint rejected " + SECRET);

        List<FleetProbe.MemberState> fleet = probe().fleet();

        assertThat(fleet).singleElement().satisfies(m -> {
            assertThat(m.status().online()).isFalse();
            assertThat(m.status().problem()).contains("status check failed: IllegalStateException")
                    .doesNotContain("no answer within").doesNotContain(SECRET);
            assertThat(m.cloud().summary().error()).isEqualTo("status check failed: IllegalStateException");
        });
    }

    @Test
    void aRefusalMeantForPeopleIsReportedInItsOwnWords() {
        describeFails = new RequestRefused("the cloud credentials file cannot be read: permission denied");

        assertThat(probe().fleet()).singleElement().satisfies(m -> assertThat(m.status().problem())
                .contains("status check failed: the cloud credentials file cannot be read: permission denied")
                .doesNotContain("no answer within"));
    }

    /** A cloud whose describe call fails in a way no provider error covers. */
    private final class FailingCloud implements CloudProvider {
        @Override
        public String name() {
            return "aws";
        }

        @Override
        public InstanceDetails describe(CloudConfig cloud) {
            throw describeFails;
        }

        @Override
        public InstanceState start(CloudConfig cloud) throws CloudException {
            throw new CloudException("not started in this test");
        }

        @Override
        public InstanceState stop(CloudConfig cloud) throws CloudException {
            throw new CloudException("not stopped in this test");
        }

        @Override
        public void close() {
        }
    }
}
