package dev.fleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.Channels;
import dev.fleet.exec.RemoteChannels;
import dev.fleet.testing.FailingRemoteMembers;
import dev.fleet.testing.NoRemoteMembers;
import dev.fleet.testing.ProbeChannels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusServiceTest {
    private static final String SECRET = "sk-live-0123456789";

    @TempDir
    Path tmp;
    ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void probeSectionsSplitAtMarkers() {
        var s = StatusService.sections("noise\n@@fleet:folder 0\nyes\n@@fleet:procs\n1\t/a\tclaude\n");
        assertThat(s.get("folder 0").strip()).isEqualTo("yes");
        assertThat(s.get("procs")).contains("claude");
    }

    @Test
    void anUnexpectedFailureIsReportedByItsKindNotAsATimeoutAndWithoutItsMessage() {
        MemberStatus st = check(new FailingRemoteMembers(() -> new IllegalStateException("the probe quoted " + SECRET)));

        assertThat(st.online()).isFalse();
        assertThat(st.problem()).isEqualTo("status check failed: IllegalStateException")
                .doesNotContain("no answer within").doesNotContain(SECRET);
    }

    @Test
    void aMemberThatCannotBeReachedKeepsFleetsOwnWords() {
        MemberStatus st = check(new NoRemoteMembers());

        assertThat(st.online()).isFalse();
        assertThat(st.problem()).isEqualTo("no remote member is reached in this test");
    }

    private MemberStatus check(RemoteChannels remote) {
        Channels channels = ProbeChannels.with(remote, tmp, pool);
        return new StatusService(channels, pool, Duration.ofSeconds(5)).check(List.of(ProbeChannels.remoteMember())).get(0);
    }
}
