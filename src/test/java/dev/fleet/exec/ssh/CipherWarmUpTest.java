package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.junit.jupiter.api.Test;

/** The cipher warm-up: every cipher fleet offers runs through it intact, and it stays within its bounds. */
class CipherWarmUpTest {
    private static final long ONE_MIB = 1024 * 1024;

    @Test
    void everyOfferedCipherEncryptsAndDecryptsItsWholeBudget() throws Exception {
        CipherWarmUp warmUp = new CipherWarmUp(ONE_MIB, System::nanoTime);
        for (BuiltinCiphers cipher : SshPool.CIPHERS) {
            // run() checks each decrypted packet against the plain one and throws on a difference.
            assertThat(warmUp.run(cipher, cipher)).as(cipher.getName()).isEqualTo(ONE_MIB);
        }
    }

    @Test
    void differentCiphersForUploadAndDownloadEachRun() throws Exception {
        CipherWarmUp warmUp = new CipherWarmUp(ONE_MIB, System::nanoTime);
        assertThat(warmUp.run(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256ctr)).isEqualTo(ONE_MIB);
        assertThat(warmUp.run(BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes256gcm)).isEqualTo(ONE_MIB);
    }

    @Test
    void aSlowMachineStopsAtTheTimeLimitNotTheBudget() throws Exception {
        // Every reading of the clock is a second later: the 2 s limit passes after the first packets.
        AtomicLong now = new AtomicLong();
        CipherWarmUp warmUp = new CipherWarmUp(1024 * ONE_MIB, () -> now.getAndAdd(1_000_000_000L));
        long done = warmUp.run(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes128gcm);
        assertThat(done).isPositive().isLessThanOrEqualTo(2L * CipherWarmUp.PACKET_BYTES);
    }
}
