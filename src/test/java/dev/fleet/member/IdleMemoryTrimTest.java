package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collection after work runs once the server is quiet, never during a call, once per stretch of work. */
class IdleMemoryTrimTest {
    private static final Duration QUIET = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    MutableClock clock;
    WorkLedger work;
    AtomicInteger collections;
    IdleMemoryTrim trim;
    ActivityRecorder activity;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
        RegistryStore store = new RegistryStore(new DataDir(tmp).ensureExists(), new RegistryCodec(new ObjectMapper()));
        activity = new ActivityRecorder(store, clock);
        work = new WorkLedger(clock, activity);
        collections = new AtomicInteger();
        trim = new IdleMemoryTrim(work, clock, QUIET, collections::incrementAndGet);
    }

    @AfterEach
    void stopRecorder() {
        activity.close();
    }

    @Test
    void aServerThatDidNoWorkIsLeftAlone() {
        clock.advance(Duration.ofHours(1));
        assertThat(trim.check()).isFalse();
        assertThat(collections).hasValue(0);
    }

    @Test
    void runsOnceTheServerIsQuietAfterWorkAndOnlyOncePerStretchOfWork() {
        work.begin("m1", "send_files").close();
        clock.advance(QUIET.minusSeconds(1));
        assertThat(trim.check()).as("not quiet long enough").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(trim.check()).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(trim.check()).as("nothing ran since").isFalse();

        work.begin("m2", "execute_command").close();
        clock.advance(QUIET);
        assertThat(trim.check()).as("new work, quiet again").isTrue();
        assertThat(collections).hasValue(2);
    }

    @Test
    void neverWhileACallIsInFlightEvenIfAnotherEndedLongAgo() {
        work.begin("m1", "execute_command").close();
        WorkLedger.Entry running = work.begin("m2", "send_files");
        clock.advance(Duration.ofMinutes(30));
        assertThat(trim.check()).isFalse();
        running.close();
        assertThat(trim.check()).as("the call just ended: not quiet yet").isFalse();
        clock.advance(QUIET);
        assertThat(trim.check()).isTrue();
        assertThat(collections).hasValue(1);
    }
}
