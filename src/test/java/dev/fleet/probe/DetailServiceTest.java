package dev.fleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.base.RequestRefused;
import dev.fleet.exec.Channels;
import dev.fleet.testing.FailingRemoteMembers;
import dev.fleet.testing.ProbeChannels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * member_detail tells a probe that failed from one that took too long: an unexpected failure is
 * reported as that failure (its kind, never what its message quotes), the connection test and the
 * agent lookup included, and the rest of the answer still comes.
 */
class DetailServiceTest {
    private static final String SECRET = "sk-live-0123456789";

    @TempDir
    Path tmp;
    ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void anUnexpectedFailureIsReportedByItsKindNotAsATimeoutAndWithoutItsMessage() {
        Map<ProbeKind, ProbeResult> probes = probe(() -> new IllegalStateException("the probe quoted " + SECRET));

        assertThat(probes.get(ProbeKind.CONNECTIVITY)).isInstanceOf(ProbeResult.Value.class);
        assertThat(probes).containsOnlyKeys(ProbeKind.values());
        probes.forEach((kind, result) -> {
            if (kind != ProbeKind.CONNECTIVITY) {
                assertThat(result).isEqualTo(new ProbeResult.Unavailable("probe failed: IllegalStateException"));
            }
        });
        assertThat(probes.toString()).doesNotContain(SECRET).doesNotContain("no answer within");
    }

    @Test
    void anErrorIsReportedByItsKindNotAsATimeout() {
        Map<ProbeKind, ProbeResult> probes = probe(() -> new AssertionError("the probe quoted " + SECRET));

        assertThat(probes.get(ProbeKind.DISK)).isEqualTo(new ProbeResult.Unavailable("probe failed: AssertionError"));
        assertThat(probes.toString()).doesNotContain(SECRET).doesNotContain("no answer within");
    }

    @Test
    void aRefusalMeantForPeopleIsReportedInItsOwnWords() {
        Map<ProbeKind, ProbeResult> probes = probe(() -> new RequestRefused("the member's shell is not supported"));

        assertThat(probes.get(ProbeKind.SYSTEM))
                .isEqualTo(new ProbeResult.Unavailable("probe failed: the member's shell is not supported"));
    }

    @Test
    void aConnectionTestThatFailsUnexpectedlyIsReportedAsAProbeNotAsTheWholeCallsError() {
        Channels channels = ProbeChannels.with(new FailingRemoteMembers(() -> new IllegalStateException("quoted " + SECRET))
                .inConnectionTestToo(), tmp, pool);
        Map<ProbeKind, ProbeResult> probes = detail(channels, (member, os) -> Optional.empty());

        assertThat(probes).containsExactly(Map.entry(ProbeKind.CONNECTIVITY,
                new ProbeResult.Unavailable("probe failed: IllegalStateException")));
    }

    @Test
    void anAgentLookupThatFailsIsReportedAndTheOtherProbesStillRun() {
        Channels channels = ProbeChannels.with(new FailingRemoteMembers(() -> new RequestRefused("no commands here")), tmp, pool);
        Map<ProbeKind, ProbeResult> probes = detail(channels, (member, os) -> {
            throw new IllegalArgumentException("quoted " + SECRET);
        });

        assertThat(probes.get(ProbeKind.CONNECTIVITY)).isInstanceOf(ProbeResult.Value.class);
        assertThat(probes.get(ProbeKind.AGENT_CLI)).isEqualTo(new ProbeResult.Unavailable("probe failed: IllegalArgumentException"));
        assertThat(probes).containsKeys(ProbeKind.PROCESSES, ProbeKind.SYSTEM, ProbeKind.DISK);
        assertThat(probes.toString()).doesNotContain(SECRET);
    }

    private Map<ProbeKind, ProbeResult> probe(Supplier<? extends Throwable> failure) {
        Channels channels = ProbeChannels.with(new FailingRemoteMembers(failure), tmp, pool);
        return detail(channels, (member, os) -> Optional.of(new AgentChecks.Scripts("claude", "claude --version", "true")));
    }

    private Map<ProbeKind, ProbeResult> detail(Channels channels, AgentChecks agent) {
        return new DetailService(channels, pool, Duration.ofSeconds(5), agent).probe(ProbeChannels.remoteMember());
    }
}
