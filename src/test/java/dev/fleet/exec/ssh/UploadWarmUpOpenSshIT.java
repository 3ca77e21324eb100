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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload warm-up against a real OpenSSH sshd, which states file types as a POSIX system has
 * them: a server's first connection sends the budget into {@code /dev/null} and leaves the
 * member's home as it was, and then needs no cipher warm-up; the warm-up stops at its time limit with budget left, and gives way to
 * a transfer that starts on the connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadWarmUpOpenSshIT {
    private static final long BUDGET = 4L * 1024 * 1024;
    private static final long GIB = 1024L * 1024 * 1024;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    static Path tmp;

    @Test
    void aServersFirstConnectionSendsItsBudgetIntoDevNullAndLeavesTheHomeAlone() throws Exception {
        List<String> before = listing(SSHD.get().home);
        Path dir = Files.createDirectories(tmp.resolve("whole"));
        try (SshPool pool = pool(dir, warmUp(BUDGET, UploadWarmUp.TIME_LIMIT_NANOS))) {
            SshTarget target = SSHD.get().target("whole");
            SshChannel channel = new SshChannel("m1", target, pool, OsCommands.forOs(MemberOs.LINUX),
                    new SpillFiles(dir.resolve("out"), CLOCK));
            pool.warmTransfersAfterConnections();
            assertThat(channel.exec(CommandRequest.probe("echo hi", Duration.ofSeconds(10))).stdout()).contains("hi");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pool.lastUploadWarmUp() != null);
            assertThat(pool.lastUploadWarmUp()).isEqualTo(new UploadWarmUp.Sent(BUDGET));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals(TransferWarmUps.THREAD_NAME)));
            assertThat(pool.cipherWarmUpStarted()).as("the upload warm-up ran the cipher over real packets already").isFalse();
            assertThat(pool.freeChannels(target.key())).as("its channel given back").isEqualTo(SshPool.CHANNELS_PER_CONNECTION);
            assertThat(channel.exec(CommandRequest.probe("echo after", Duration.ofSeconds(10))).stdout())
                    .as("the connection still serves calls").contains("after");
        }
        assertThat(listing(SSHD.get().home)).isEqualTo(before);
    }

    @Test
    void itStopsAtItsTimeLimitWithBudgetLeft() throws Exception {
        // 50 ms for a gibibyte: the limit ends it, not the budget.
        UploadWarmUp.Outcome outcome = runByHand("limited", warmUp(GIB, 50_000_000L), () -> false);
        assertThat(outcome).isInstanceOf(UploadWarmUp.Sent.class);
        assertThat(((UploadWarmUp.Sent) outcome).bytes()).isLessThan(GIB);
    }

    @Test
    void aTransferStartingOnTheConnectionEndsIt() throws Exception {
        // The transfer "starts" once the warm-up has been offered its first zeros.
        AtomicInteger asked = new AtomicInteger();
        UploadWarmUp.Outcome outcome = runByHand("yields", warmUp(GIB, 60_000_000_000L), () -> asked.incrementAndGet() > 3);
        assertThat(outcome).isInstanceOf(UploadWarmUp.Sent.class);
        assertThat(((UploadWarmUp.Sent) outcome).bytes()).isPositive().isLessThan(GIB);
    }

    @Test
    void asAStreamItStopsAtItsTimeLimitToo() throws Exception {
        UploadWarmUp.Outcome outcome = runByHand("limited-stream", warmUp(GIB, 50_000_000L), () -> false, true);
        assertThat(outcome).isInstanceOf(UploadWarmUp.Sent.class);
        assertThat(((UploadWarmUp.Sent) outcome).bytes()).isLessThan(GIB);
    }

    @Test
    void asAStreamItGivesWayToATransferToo() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        UploadWarmUp.Outcome outcome = runByHand("yields-stream", warmUp(GIB, 60_000_000_000L), () -> asked.incrementAndGet() > 3, true);
        assertThat(outcome).isInstanceOf(UploadWarmUp.Sent.class);
        assertThat(((UploadWarmUp.Sent) outcome).bytes()).isPositive().isLessThan(GIB);
    }

    @Test
    void asAStreamItSendsItsBudgetIntoDevNullAndHandsOverItsChannel() throws Exception {
        List<java.io.Closeable> handed = new java.util.ArrayList<>();
        Path dir = Files.createDirectories(tmp.resolve("handed"));
        UploadWarmUp warmUp = warmUp(BUDGET, UploadWarmUp.TIME_LIMIT_NANOS);
        List<String> before = listing(SSHD.get().home);
        try (SshPool pool = pool(dir, warmUp);
             SshPool.Lease lease = pool.lease(SSHD.get().target("handed"));
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
            assertThat(StreamedWrites.known(lease.session())).as("nothing asked beforehand").isNull();
            assertThat(warmUp.run(lease.session(), sftp, () -> false, OsCommands.forOs(MemberOs.LINUX), handed::add))
                    .isEqualTo(new UploadWarmUp.Sent(BUDGET));
            assertThat(sftp.isOpen()).as("its SFTP session closed before the stream took the channel").isFalse();
            assertThat(StreamedWrites.known(lease.session())).as("the member's dd confirmed the options").isTrue();
        }
        assertThat(handed).as("the stream's channel, for the watchdog").hasSize(1);
        assertThat(listing(SSHD.get().home)).isEqualTo(before);
    }

    @Test
    void aMemberThatRefusesTheStreamGetsTheSftpWarmUpInstead() throws Exception {
        // A dd without GNU's options: the stream fails at once, and the zeros go over SFTP.
        OsCommands bsdLike = (OsCommands) java.lang.reflect.Proxy.newProxyInstance(OsCommands.class.getClassLoader(),
                new Class<?>[] {OsCommands.class}, (proxy, m, args) -> m.getName().equals("streamedWrite")
                        ? java.util.Optional.of("echo 'dd: unknown operand oflag' >&2; exit 1")
                        : m.invoke(OsCommands.forOs(MemberOs.LINUX), args));
        Path dir = Files.createDirectories(tmp.resolve("refused"));
        UploadWarmUp warmUp = warmUp(BUDGET, UploadWarmUp.TIME_LIMIT_NANOS);
        List<java.io.Closeable> handed = new java.util.ArrayList<>();
        try (SshPool pool = pool(dir, warmUp);
             SshPool.Lease lease = pool.lease(SSHD.get().target("refused"));
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
            assertThat(warmUp.run(lease.session(), sftp, () -> false, bsdLike, handed::add)).isEqualTo(new UploadWarmUp.Sent(BUDGET));
            assertThat(StreamedWrites.known(lease.session())).isNull();
        }
        assertThat(handed).as("the stream's channel, then the new SFTP session").hasSize(2);
    }

    private static UploadWarmUp warmUp(long budget, long timeLimitNanos) {
        return new UploadWarmUp(UploadWarmUp.SINK, budget, UploadWarmUp.FAST_ROUND_TRIP_NANOS, timeLimitNanos, System::nanoTime);
    }

    /** The warm-up run on a channel of a pool that does not warm up on its own, with the test's transfer signal. */
    private UploadWarmUp.Outcome runByHand(String name, UploadWarmUp warmUp, BooleanSupplier transferRunning) throws Exception {
        return runByHand(name, warmUp, transferRunning, false);
    }

    /** {@code streamed}: as a member whose large uploads go as streams gets it. */
    private UploadWarmUp.Outcome runByHand(String name, UploadWarmUp warmUp, BooleanSupplier transferRunning, boolean streamed)
            throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (SshPool pool = pool(dir, warmUp);
             SshPool.Lease lease = pool.lease(SSHD.get().target(name));
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(lease.session())) {
            return streamed ? warmUp.run(lease.session(), sftp, transferRunning, OsCommands.forOs(MemberOs.LINUX), c -> { })
                    : warmUp.run(lease.session(), sftp, transferRunning, null, c -> { });
        }
    }

    private static SshPool pool(Path dir, UploadWarmUp warmUp) {
        return new SshPool(new TofuHostKeys(dir.resolve("known_hosts")), CLOCK, Duration.ofSeconds(10), Duration.ofMinutes(5), warmUp);
    }

    /** Every file and folder under {@code folder} (three levels deep), with its modification time. */
    private static List<String> listing(Path folder) throws Exception {
        try (Stream<Path> files = Files.walk(folder, 3)) {
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
