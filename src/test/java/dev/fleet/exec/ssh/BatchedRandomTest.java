package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.exec.CommandRequest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH client's random bytes: the device's, in order, each once; the JDK's where the device fails. */
class BatchedRandomTest {
    @TempDir
    Path tmp;

    @Test
    void handsOutTheDevicesBytesInOrderAcrossBatchesAndNoneTwice() throws Exception {
        byte[] device = new byte[3 * 16 + 5];
        for (int i = 0; i < device.length; i++) {
            device[i] = (byte) (i + 1);
        }
        Path file = Files.write(tmp.resolve("device"), device);
        BatchedRandom random = new BatchedRandom(file, new NeverUsed(), 16);

        ByteArrayOutputStream given = new ByteArrayOutputStream();
        // Requests as a session makes them: a few bytes each, some spanning a batch's end, one into an offset.
        for (int len : new int[] {5, 7, 19, 1, 16}) {
            byte[] into = new byte[len + 3];
            random.fill(into, 2, len);
            assertThat(into[0]).isZero();
            assertThat(into[1]).isZero();
            assertThat(into[len + 2]).as("nothing past the range").isZero();
            given.write(into, 2, len);
        }
        assertThat(random.fromDevice()).isTrue();
        assertThat(given.toByteArray()).isEqualTo(Arrays.copyOf(device, 48));
    }

    @Test
    void aDeviceThatEndsGivesWayToTheJdksGeneratorForGood() throws Exception {
        Path shortFile = Files.write(tmp.resolve("short"), new byte[] {1, 2, 3});
        CountingRandom jdk = new CountingRandom();
        BatchedRandom random = new BatchedRandom(shortFile, jdk, 8);

        byte[] first = new byte[8];
        random.fill(first, 0, 8);
        assertThat(jdk.batches).isEqualTo(1);
        assertThat(first).containsOnly((byte) 7);
        random.fill(new byte[9], 0, 9);
        assertThat(jdk.batches).as("the device is not tried again").isEqualTo(3);
        assertThat(random.fromDevice()).isFalse();
    }

    @Test
    void noDeviceAtAllFillsFromTheJdksGenerator() {
        CountingRandom jdk = new CountingRandom();
        BatchedRandom random = new BatchedRandom(tmp.resolve("absent"), jdk, 8);
        byte[] bytes = new byte[4];
        random.fill(bytes, 0, 4);
        assertThat(bytes).containsOnly((byte) 7);
        assertThat(random.fromDevice()).isFalse();
    }

    @Test
    void theRealDeviceGivesBytesThatDifferEachTime() {
        BatchedRandom random = BatchedRandom.usual();
        byte[] a = new byte[BatchedRandom.BATCH_BYTES];
        byte[] b = new byte[BatchedRandom.BATCH_BYTES];
        random.fill(a, 0, a.length);
        random.fill(b, 0, b.length);
        assertThat(random.fromDevice()).isTrue();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[a.length]);
    }

    @Test
    void onceClosedItLetsTheDeviceGoAndStillGivesBytes() throws Exception {
        Path file = Files.write(tmp.resolve("device"), new byte[64]);
        CountingRandom jdk = new CountingRandom();
        BatchedRandom random = new BatchedRandom(file, jdk, 8);
        random.fill(new byte[4], 0, 4);
        assertThat(random.fromDevice()).isTrue();
        random.close();
        assertThat(random.fromDevice()).isFalse();
        byte[] late = new byte[8];
        random.fill(late, 0, 8);
        // The rest of the batch read before closing, then the JDK's generator.
        assertThat(late).startsWith(0, 0, 0, 0).endsWith(7, 7, 7, 7);
        assertThat(jdk.batches).isEqualTo(1);
    }

    @Test
    void boundedNumbersStayWithinTheirBound() {
        BatchedRandom random = BatchedRandom.usual();
        for (int i = 0; i < 1000; i++) {
            assertThat(random.random(20)).isBetween(0, 19);
        }
    }

    @Test
    void anEmptyBatchIsRefusedByName() {
        assertThatThrownBy(() -> new BatchedRandom(tmp, new SecureRandom(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchBytes");
    }

    @Test
    void thePoolsSessionsDrawFromItAndWork() throws Exception {
        try (SshChannelFixture ssh = new SshChannelFixture(tmp)) {
            try (SshPool.Lease lease = ssh.pool.lease(ssh.channelTarget())) {
                Object random = lease.session().getFactoryManager().getRandomFactory().create();
                assertThat(random).isInstanceOf(BatchedRandom.class);
                assertThat(((BatchedRandom) random).fromDevice()).as("the key exchange drew its cookie from the device").isTrue();
            }
            assertThat(ssh.channel.exec(CommandRequest.probe("echo padded", Duration.ofSeconds(10))).stdout()).contains("padded");
        }
    }

    /** The JDK's generator as a test sees it: every byte 7, and how many batches it filled. */
    private static final class CountingRandom extends SecureRandom {
        int batches;

        @Override
        public void nextBytes(byte[] bytes) {
            batches++;
            Arrays.fill(bytes, (byte) 7);
        }
    }

    /** Fails the test if the device's bytes are not enough. */
    private static final class NeverUsed extends SecureRandom {
        @Override
        public void nextBytes(byte[] bytes) {
            throw new AssertionError("the JDK's generator was used while the device had bytes");
        }
    }
}
