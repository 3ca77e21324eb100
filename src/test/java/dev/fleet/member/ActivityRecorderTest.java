package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member's last use: a later time wins, except one ahead of the clock, which a wrong clock wrote. */
class ActivityRecorderTest {
    @TempDir
    Path tmp;

    @Test
    void aUseReplacesAnEarlierTimeAndOneAheadOfTheClockButNotAFewSecondsAhead() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        RegistryStore store = new RegistryStore(new DataDir(tmp).ensureExists(), new RegistryCodec(new ObjectMapper()));
        store.update(r -> r.with(Member.builder().id("m-id").friendlyName("m").agentType(AgentType.LOCAL).workFolder("/w/m")
                .createdAt(clock.instant()).lastUsed(clock.instant().plus(Duration.ofHours(5))).build()));
        try (ActivityRecorder activity = new ActivityRecorder(store, clock)) {
            Instant now = activity.touch("m-id");
            activity.flush();
            assertThat(store.read().byId("m-id").orElseThrow().lastUsed()).as("five hours ahead: a wrong clock's").isEqualTo(now);

            // Another process's use a few seconds ahead of this one's (its call ended later) stays.
            Instant another = now.plusSeconds(20);
            store.update(r -> r.replacing("m-id", m -> m.withLastUsed(another)));
            activity.touch("m-id");
            activity.flush();
            assertThat(store.read().byId("m-id").orElseThrow().lastUsed()).isEqualTo(another);
        }
    }
}
