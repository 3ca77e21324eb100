package dev.fleet.exec.ssh;

import static dev.fleet.exec.ssh.SshChannelFixture.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream to a member that stops taking bytes keeps only a few packets waiting in the
 * connection's queue ({@link GatheredWrites#awaitRoom}), where each is a live array on the Java
 * heap, however much of its window the member has offered; the file still arrives whole once the
 * member reads again. A writer waiting for room is let go when the connection closes, not after
 * its longest wait. The in-process server stops reading its socket ({@code pauseReading}), and
 * the client's socket has a small send buffer, so the kernel's buffers fill and the rest waits in
 * fleet.
 */
class WaitingPacketsTest {
    private static final int MIB = 1024 * 1024;
    /** Packets one chunk of {@link StreamedWrites} adds at most (256 KiB in packets of at least 16 KiB). */
    private static final int CHUNK_PACKETS = 16;

    @TempDir
    Path tmp;

    @Test
    void aMemberThatStopsReadingFindsFewPacketsWaitingAndLaterTheWholeFile() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path source = randomFile(tmp.resolve("big.bin"), 12 * MIB);
            Path dest = ssh.work.resolve("big.bin");
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
                 FileChannel in = FileChannel.open(source)) {
                GatheredWrites io = smallKernelBuffer((GatheredWrites) lease.session().getIoSession());
                AtomicBoolean done = new AtomicBoolean();
                CompletableFuture<StreamedWrites.Outcome> sent = CompletableFuture.supplyAsync(() -> {
                    try {
                        return StreamedWrites.write(lease.session(), OsCommands.forOs(MemberOs.LINUX),
                                "exec cat > " + dest, "run-1", in, Duration.ofSeconds(30));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        done.set(true);
                    }
                });
                // Once its tool has started, the member stops reading. Its window is 2 MiB, 64 packets: the queue is
                // watched until it stops growing, or for 3 s.
                // Looked at every millisecond: the whole file takes tens of them once the member reads.
                await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> started(ssh, dest));
                ssh.sshd.pauseReading();
                int most = 0;
                long lastGrew = System.nanoTime();
                long until = lastGrew + TimeUnit.SECONDS.toNanos(3);
                while (!done.get() && System.nanoTime() < until && System.nanoTime() - lastGrew < TimeUnit.MILLISECONDS.toNanos(500)) {
                    int now = io.packetsWaiting();
                    if (now > most) {
                        most = now;
                        lastGrew = System.nanoTime();
                    }
                    LockSupport.parkNanos(100_000);
                }
                ssh.sshd.resumeReading();
                assertThat(sent.get(30, TimeUnit.SECONDS)).isInstanceOf(StreamedWrites.Written.class);
                assertThat(most).as("packets waiting in the connection's queue at most")
                        .isGreaterThanOrEqualTo(GatheredWrites.MOST_WAITING)
                        .isLessThanOrEqualTo(GatheredWrites.MOST_WAITING + CHUNK_PACKETS);
            }
            assertThat(Files.mismatch(source, dest)).isEqualTo(-1);
        }
    }

    @Test
    void aWriterWaitingForRoomIsLetGoWhenTheConnectionCloses() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp.resolve("m"))) {
            Path source = randomFile(tmp.resolve("big.bin"), 12 * MIB);
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget());
                 FileChannel in = FileChannel.open(source)) {
                GatheredWrites io = smallKernelBuffer((GatheredWrites) lease.session().getIoSession());
                Path dest = ssh.work.resolve("big.bin");
                CompletableFuture<Object> sent = CompletableFuture.supplyAsync(() -> {
                    try {
                        return StreamedWrites.write(lease.session(), OsCommands.forOs(MemberOs.LINUX),
                                "exec cat > " + dest, "run-2", in, Duration.ofSeconds(5));
                    } catch (IOException e) {
                        return e;
                    }
                });
                // Looked at every millisecond: the whole file takes tens of them once the member reads.
                await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> started(ssh, dest));
                ssh.sshd.pauseReading();
                await("the writer filled the queue").atMost(Duration.ofSeconds(20))
                        .until(() -> io.packetsWaiting() > GatheredWrites.MOST_WAITING);
                lease.session().close(true);
                // Let go at once, not after the writer's longest wait for room.
                assertThat(sent.get(GatheredWrites.MOST_ROOM_WAIT.toSeconds() / 3, TimeUnit.SECONDS))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    /**
     * On loopback the kernel would take the member's whole window (2 MiB) into its buffers; a
     * member across a network that has stopped reading leaves fleet holding the rest.
     */
    private static GatheredWrites smallKernelBuffer(GatheredWrites io) throws IOException {
        io.getSocket().setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        return io;
    }

    private static boolean started(SshChannelFixture ssh, Path dest) {
        return ssh.sshd.commands().stream().anyMatch(c -> c.contains(dest.toString()));
    }
}
