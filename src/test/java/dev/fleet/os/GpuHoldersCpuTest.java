package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.GpuHolderProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fleet_holders_cpu} on real processes, under the POSIX shell and bash: the holders and
 * what they started count, nothing else does, and what cannot be seen says so.
 */
class GpuHoldersCpuTest {
    @TempDir
    Path tmp;
    final GpuHolderProcesses holders = new GpuHolderProcesses();

    @AfterEach
    void endProcesses() {
        holders.close();
    }

    private String measure(String shell, String procs) throws Exception {
        Process p = new ProcessBuilder(shell, "-c", GpuHoldersCpu.FUNCTION + "\nfleet_holders_cpu \"$1\"", "fleet", procs)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static int percent(String reading) {
        assertThat(reading).matches("[0-9]+");
        return Integer.parseInt(reading);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "bash"})
    void theHoldersAndWhatTheyStartedCountAndNothingElse(String shell) throws Exception {
        assertThat(percent(measure(shell, holders.idle() + ":19000"))).isLessThan(GpuHoldersCpu.WORK_PERCENT);
        assertThat(percent(measure(shell, holders.working() + ":19000"))).isGreaterThanOrEqualTo(GpuHoldersCpu.WORK_PERCENT);
        assertThat(percent(measure(shell, holders.idleWithAWorkingChild() + ":19000")))
                .as("a job's worker process is the job's work").isGreaterThanOrEqualTo(GpuHoldersCpu.WORK_PERCENT);
        assertThat(percent(measure(shell, holders.idleBesideAWorkingParent() + ":19000")))
                .as("a busy parent is no part of the holder's work").isLessThan(GpuHoldersCpu.WORK_PERCENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "bash"})
    void holdersNoOneCanSeeOrTextThatIsNoPidTellNothingAndRunNothing(String shell) throws Exception {
        assertThat(measure(shell, GpuHolderProcesses.UNSEEN + ":19000")).isEqualTo("-");
        Path planted = tmp.resolve("planted");
        assertThat(measure(shell, "$(touch " + planted + "):1,`touch " + planted + "`:2,*:3")).isEqualTo("-");
        assertThat(planted).doesNotExist();
        assertThat(Files.exists(planted)).isFalse();
    }
}
