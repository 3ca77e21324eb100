package dev.fleet.exec.ssh;

import java.util.Arrays;
import java.util.function.LongSupplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.KexProposalOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once per fleet process, after an SSH connection whose upload warm-up sent nothing (a cloud
 * instance, a slow link; {@link TransferWarmUps}), once the call that made it is done: runs a few
 * megabytes of dummy packets through the cipher that connection negotiated (encrypting as an
 * upload does, decrypting as a download does), so that the JIT has compiled the encryption into
 * the CPU's AES instructions before the first file transfer needs it.
 *
 * <p>Why: on a fresh JVM the first 256 MiB upload ran at under 0.6x {@code scp}'s speed, partly
 * because AES-GCM still ran as plain Java while the JIT caught up; with the warm-up, about 0.65-0.7x
 * (bench S3). The dummy packets cost a tenth to a fifth of a second of one core; the key and nonce
 * are zeros and nothing is sent: the session's own ciphers are never touched.
 */
final class CipherWarmUp {
    private static final Logger log = LoggerFactory.getLogger(CipherWarmUp.class);
    /**
     * A transfer's packet size (OpenSSH's channels carry 32 KiB). Packets of 4 KiB, to have the
     * work done once per packet compiled too, measured no better (bench S3).
     */
    static final int PACKET_BYTES = 32 * 1024;
    /** Enough packets for the JIT's optimising tier to take the cipher's loops (bench S3: 16-32 MiB did it). */
    static final long BUDGET_BYTES = 16L * 1024 * 1024;
    /** A machine without AES instructions would take long over the budget: the warm-up stops here. */
    private static final long TIME_LIMIT_NANOS = 2_000_000_000L;

    private final long budgetBytes;
    private final LongSupplier nanoTime;

    CipherWarmUp(long budgetBytes, LongSupplier nanoTime) {
        this.budgetBytes = budgetBytes;
        this.nanoTime = nanoTime;
    }

    /** Runs {@code session}'s negotiated ciphers through the warm-up; false if they are not MINA's built-in ones. */
    boolean runFor(ClientSession session) throws Exception {
        BuiltinCiphers up = BuiltinCiphers.fromFactoryName(session.getNegotiatedKexParameter(KexProposalOption.C2SENC));
        BuiltinCiphers down = BuiltinCiphers.fromFactoryName(session.getNegotiatedKexParameter(KexProposalOption.S2CENC));
        if (up == null || down == null) {
            return false;
        }
        long done = run(up, down);
        log.debug("cipher warm-up: {} and {} over {} bytes", up.getName(), down.getName(), done);
        return true;
    }

    /**
     * Encrypts packets with {@code up} and decrypts packets made by {@code down}, alternately,
     * until the budget or the time limit is reached; returns the bytes each side processed.
     * Each decryption checks that it gets back what was encrypted, so a cipher that misbehaves
     * ends the warm-up instead of heating a broken path.
     */
    long run(BuiltinCiphers up, BuiltinCiphers down) throws Exception {
        // The pool installed them before its first connection; a caller without a pool needs them too.
        CryptoProviders.install();
        Cipher upload = started(up, Cipher.Mode.Encrypt);
        Cipher sealer = up == down ? upload : started(down, Cipher.Mode.Encrypt);
        Cipher download = started(down, Cipher.Mode.Decrypt);
        byte[] plain = new byte[PACKET_BYTES + Math.max(upload.getAuthenticationTagSize(), download.getAuthenticationTagSize())];
        for (int i = 0; i < PACKET_BYTES; i++) {
            plain[i] = (byte) (i * 31);
        }
        byte[] packet = new byte[plain.length];
        long deadline = nanoTime.getAsLong() + TIME_LIMIT_NANOS;
        long done = 0;
        while (done < budgetBytes && nanoTime.getAsLong() - deadline < 0) {
            if (sealer != upload) {
                System.arraycopy(plain, 0, packet, 0, packet.length);
                runThrough(upload, packet);
            }
            System.arraycopy(plain, 0, packet, 0, packet.length);
            runThrough(sealer, packet);
            runThrough(download, packet);
            if (!Arrays.equals(packet, 0, PACKET_BYTES, plain, 0, PACKET_BYTES)) {
                throw new IllegalStateException(down.getName() + " did not decrypt what it encrypted");
            }
            done += PACKET_BYTES;
        }
        return done;
    }

    private static Cipher started(BuiltinCiphers algorithm, Cipher.Mode mode) throws Exception {
        Cipher cipher = algorithm.create();
        cipher.init(mode, new byte[cipher.getKdfSize()], new byte[cipher.getIVSize()]);
        return cipher;
    }

    /**
     * As MINA runs a packet through its cipher: an AEAD cipher authenticates the 4-byte length and
     * encrypts (or decrypts and checks) the rest, its tag right after; any other takes the packet whole.
     */
    private static void runThrough(Cipher cipher, byte[] packet) throws Exception {
        if (cipher.getAuthenticationTagSize() > 0) {
            cipher.updateAAD(packet, 0, 4);
            cipher.update(packet, 4, PACKET_BYTES - 4);
        } else {
            cipher.update(packet, 0, PACKET_BYTES);
        }
    }
}
