package dev.fleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.GpuScenarios;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The utilization policy on recorded GPU histories (the guard's bash judges the same ones in GuardScriptTest). */
class UtilizationPolicyTest {
    private static final long NOW = 1_790_000_000L;

    static Stream<GpuScenarios.Scenario> scenarios() {
        return GpuScenarios.all().stream();
    }

    private static GpuVerdict judge(GpuScenarios.Scenario s) {
        List<GpuSample> history = s.lines(NOW).stream().map(l -> GpuSample.parse(l).orElseThrow()).toList();
        return new UtilizationPolicy(s.threshold(),
                Duration.ofMinutes(GpuScenarios.IDLE_TIMEOUT_MIN), UtilizationPolicy.DEFAULT_MAX_GAP).judge(history, NOW);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void recordedHistoriesGetTheVerdictUsersExpect(GpuScenarios.Scenario s) {
        GpuVerdict v = judge(s);
        Class<?> expected = switch (s.expect()) {
            case BUSY -> GpuVerdict.Busy.class;
            case BELOW_THRESHOLD -> GpuVerdict.BelowThreshold.class;
            case HOLDING_IDLE -> GpuVerdict.HoldingIdle.class;
            case NO_PROCESSES -> GpuVerdict.NoProcesses.class;
            case UNKNOWN -> GpuVerdict.Unknown.class;
        };
        assertThat(v).as(v.reason()).isInstanceOf(expected);
    }

    @Test
    void aProcessHeldIdleIsNamedWithItsMemoryAndHowLong() {
        GpuVerdict v = judge(scenario("dead DataLoader worker"));
        assertThat(v.reason()).contains("holding the GPU idle", "pid 4242", "19000 MiB", "45 min", "does not keep the instance up");
    }

    @Test
    void memoryHeldAtZeroPercentByProcessesWorkingOnTheCpuOrUnseenKeepsTheMachine() {
        assertThat(judge(scenario("a job in a CPU phase")).reason()).contains("GPU memory held at 0 % for 45 min",
                "used up to 95 % of a CPU core in the last 10 min");
        assertThat(judge(scenario("in bursts")).reason()).contains("used up to 60 % of a CPU core");
        assertThat(judge(scenario("by processes that cannot be seen")).reason()).contains("cannot be told");
    }

    /** Readings one every {@code everyMin} minutes over 45 minutes at 0 %, each {@code cpu}. */
    private static GpuVerdict heldWithReadings(int everyMin, String cpu) {
        List<GpuSample> history = new java.util.ArrayList<>();
        for (int m = 45; m >= 0; m -= everyMin) {
            history.add(GpuSample.parse((NOW - m * 60L) + " 0 4242:19000 " + cpu).orElseThrow());
        }
        return new UtilizationPolicy(0, Duration.ofMinutes(GpuScenarios.IDLE_TIMEOUT_MIN),
                UtilizationPolicy.DEFAULT_MAX_GAP).judge(history, NOW);
    }

    @Test
    void aTenthOfACoreIsWorkAndThreeReadingsInTenMinutesAreNeededToCallTheHoldersIdle() {
        assertThat(heldWithReadings(1, "9")).isInstanceOf(GpuVerdict.HoldingIdle.class);
        assertThat(heldWithReadings(1, "10")).isInstanceOf(GpuVerdict.Busy.class);
        // One every 5 minutes: readings at 0, 5 and 10 minutes ago, enough.
        assertThat(heldWithReadings(5, "0")).isInstanceOf(GpuVerdict.HoldingIdle.class);
        // One every 9 minutes: two readings in the last 10 minutes, too few to call a job idle.
        assertThat(heldWithReadings(9, "0")).isInstanceOf(GpuVerdict.Unknown.class)
                .satisfies(v -> assertThat(v.reason()).contains("only 2 CPU readings"));
    }

    private static GpuScenarios.Scenario scenario(String part) {
        return GpuScenarios.all().stream().filter(s -> s.name().contains(part)).findFirst().orElseThrow();
    }

    @Test
    void theThresholdReasonSaysWhatWasMeasured() {
        assertThat(judge(scenario("training with data-loading dips")).reason()).contains("GPU at 93 % (threshold 30 %) 1 min ago",
                "work in the last 10 min counts");
        assertThat(judge(scenario("notebook kernel idling")).reason()).contains("the GPU at 4 % at most in the last 10 min, below the threshold of 30 %");
    }

    @Test
    void malformedHistoryLinesAreSkippedNotTrusted() {
        assertThat(GpuSample.parse("1790000000 87 4242:19000,77:10")).get()
                .satisfies(s -> assertThat(s.processes()).hasSize(2));
        assertThat(GpuSample.parse("1790000000 - -")).get().satisfies(s -> assertThat(s.utilizationPercent()).isNull());
        assertThat(GpuSample.parse("1790000000 87")).isEmpty();
        assertThat(GpuSample.parse("garbage 87 -")).isEmpty();
        assertThat(GpuSample.parse("1790000000 87 4242")).isEmpty();
    }
}
