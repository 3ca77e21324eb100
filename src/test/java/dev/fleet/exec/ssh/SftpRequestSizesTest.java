package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.FileSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large SFTP requests where the server says it takes them, and never more than it says. */
class SftpRequestSizesTest {
    private static final int KIB = 1024;

    @TempDir
    Path tmp;
    SshChannelFixture ssh;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        ssh = new SshChannelFixture(tmp);
        file = tmp.resolve("blob.bin");
        byte[] bytes = new byte[3 * 1024 * KIB + 123];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
    }

    @AfterEach
    void tearDown() throws Exception {
        ssh.close();
    }

    private static OpenSSHLimitsExtensionInfo limits(long packet, long read, long write) {
        OpenSSHLimitsExtensionInfo info = new OpenSSHLimitsExtensionInfo();
        info.maxPacketLength = packet;
        info.maxReadLength = read;
        info.maxWriteLength = write;
        return info;
    }

    @Test
    void openSshsStatedLimitsGiveTheLargestRequests() {
        // What OpenSSH's sftp-server states: 256 KiB messages, 255 KiB reads and writes.
        assertThat(SftpRequestSizes.stated(limits(256 * KIB, 255 * KIB, 255 * KIB)))
                .isEqualTo(new SftpRequestSizes(SftpRequestSizes.LARGEST, SftpRequestSizes.LARGEST));
    }

    @Test
    void statedLimitsAreKeptToTheServersMessageSizeAndFleetsLargest() {
        assertThat(SftpRequestSizes.stated(limits(0, 4096 * KIB, 1024 * KIB)))
                .isEqualTo(new SftpRequestSizes(SftpRequestSizes.LARGEST, SftpRequestSizes.LARGEST));
        assertThat(SftpRequestSizes.stated(limits(32 * KIB, 0, 0))).isEqualTo(new SftpRequestSizes(31 * KIB, 31 * KIB));
        assertThat(SftpRequestSizes.stated(limits(0, 30_000, 40_000))).isEqualTo(new SftpRequestSizes(30_000, 40_000));
        assertThat(SftpRequestSizes.stated(limits(0, 0, 0))).isEqualTo(SftpRequestSizes.UNSTATED);
        assertThat(SftpRequestSizes.stated(limits(0, 10, 10)).write()).isEqualTo(SftpRequestSizes.SMALLEST);
    }

    @Test
    void aServerThatStatesLargeLimitsGetsLargeWrites() throws Exception {
        String dest = ssh.work + "/blob.bin";
        try (FileSession files = ssh.channel.files()) {
            files.upload(file, dest, 0, real -> null, done -> { });
        }
        assertThat(Files.mismatch(file, Path.of(dest))).isEqualTo(-1);
        // MINA's server states 256 KiB writes: fleet sends its largest, not the 63 KiB it sends unasked.
        assertThat(ssh.sshd.largestSftpWrite()).isEqualTo(SftpRequestSizes.LARGEST);
    }

    @Test
    void aServerThatStatesSmallLimitsIsNeverSentMore() throws Exception {
        // The server refuses (and fails the copy on) any write over its limit.
        ssh.sshd.limitSftpRequests(36_000, 40_000).restart();
        String dest = ssh.work + "/blob.bin";
        Path back = tmp.resolve("back.bin");
        try (FileSession files = ssh.channel.files()) {
            files.upload(file, dest, 0, real -> null, done -> { });
            files.download(dest, back, done -> { });
        }
        assertThat(Files.mismatch(file, Path.of(dest))).isEqualTo(-1);
        assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        assertThat(ssh.sshd.largestSftpWrite()).isLessThanOrEqualTo(40_000).isGreaterThan(32 * KIB);
    }

    /** Uploads read the file straight into the requests: every size around a request's boundary arrives whole. */
    @Test
    void filesOfEverySizeAroundARequestArriveWholeWithProgressUpToTheirSize() throws Exception {
        int request = SftpRequestSizes.LARGEST;
        Random random = new Random(13);
        try (FileSession files = ssh.channel.files()) {
            for (int size : new int[] {0, 1, request - 1, request, request + 1, 3 * request + 7}) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                Path sent = Files.write(tmp.resolve("f" + size), bytes);
                String dest = ssh.work + "/f" + size;
                List<Long> progress = new ArrayList<>();
                files.upload(sent, dest, 0, real -> null, progress::add);
                assertThat(Files.mismatch(sent, Path.of(dest))).as("%d bytes", size).isEqualTo(-1);
                assertThat(progress).as("progress of %d bytes", size).isSorted();
                if (size > 0) {
                    assertThat(progress).last().isEqualTo((long) size);
                    assertThat(progress).hasSizeGreaterThanOrEqualTo((size + request - 1) / request);
                }
            }
        }
    }
}
