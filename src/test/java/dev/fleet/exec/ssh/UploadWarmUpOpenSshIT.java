package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.RealSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload warm-up against a real OpenSSH sshd, which states file types as a POSIX system has
 * them: a server's first connection sends the budget into {@code /dev/null}, leaves the member's
 * home as it was, and stops at its time limit with budget left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadWarmUpOpenSshIT {
    private static final long BUDGET = 4L * 1024 * 1024;

    @TempDir
    static Path tmp;
    RealSshd sshd;

    @BeforeAll
    void start() throws Exception {
        sshd = RealSshd.startOrUseCi(tmp);
    }

    @AfterAll
    void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void aServersFirstConnectionSendsItsBudgetIntoDevNullAndLeavesTheHomeAlone() throws Exception {
        List<String> before = listing(sshd.home);
        UploadWarmUp.Outcome outcome = warmUpAfterFirstConnection("whole",
                new UploadWarmUp(UploadWarmUp.SINK, BUDGET, UploadWarmUp.FAST_ROUND_TRIP_NANOS, System::nanoTime));
        assertThat(outcome).isEqualTo(new UploadWarmUp.Sent(BUDGET));
        assertThat(listing(sshd.home)).isEqualTo(before);
        assertThat(Files.size(Path.of(UploadWarmUp.SINK))).isZero();
    }

    @Test
    void itStopsAtItsTimeLimitWithBudgetLeft() throws Exception {
        // After the link check and the first reads, every reading of the clock is past the limit.
        AtomicInteger readings = new AtomicInteger();
        LongSupplier clock = () -> System.nanoTime() + (readings.incrementAndGet() > 9 ? 2 * UploadWarmUp.TIME_LIMIT_NANOS : 0);
        UploadWarmUp.Outcome outcome = warmUpAfterFirstConnection("limited",
                new UploadWarmUp(UploadWarmUp.SINK, 1024 * BUDGET, UploadWarmUp.FAST_ROUND_TRIP_NANOS, clock));
        assertThat(outcome).isInstanceOf(UploadWarmUp.Sent.class);
        assertThat(((UploadWarmUp.Sent) outcome).bytes()).isPositive().isLessThan(BUDGET);
    }

    /** A server's pool (told to warm up) makes its first connection; what the warm-up did once it ended. */
    private UploadWarmUp.Outcome warmUpAfterFirstConnection(String name, UploadWarmUp warmUp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        try (SshPool pool = new SshPool(new TofuHostKeys(dir.resolve("known_hosts")), clock, Duration.ofSeconds(10),
                Duration.ofMinutes(5), warmUp)) {
            SshChannel channel = new SshChannel("m1", new SshTarget("m1|" + name, "127.0.0.1", sshd.port, sshd.user, null, sshd.key),
                    pool, OsCommands.forOs(MemberOs.LINUX), new SpillFiles(dir.resolve("out"), clock));
            pool.warmCipherAfterFirstConnection();
            assertThat(channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pool.lastUploadWarmUp() != null);
            assertThat(channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout())
                    .as("the connection still serves calls").contains("after");
            return pool.lastUploadWarmUp();
        }
    }

    private static List<String> listing(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> {
                try {
                    return f.getFileName() + " " + Files.getLastModifiedTime(f);
                } catch (java.io.IOException e) {
                    return f.getFileName() + " ?";
                }
            }).sorted().toList();
        }
    }
}
