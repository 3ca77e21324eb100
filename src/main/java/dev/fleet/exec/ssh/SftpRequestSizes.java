package dev.fleet.exec.ssh;

import java.io.IOException;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;

/**
 * Bytes per SFTP read and write request on one connection.
 *
 * <p>Every request is answered on its own, and on a loopback or LAN link the per-request work
 * (the reply read, decrypted and handed between threads) costs more than the bytes: 255 KiB
 * writes move a large file about 1.7 times as fast as 63 KiB ones to OpenSSH (bench S4). But a
 * server may drop the channel on a request over its limit, so the large size is used only where
 * the server states its limits (OpenSSH's {@code limits@openssh.com}, and MINA's); elsewhere
 * requests stay at {@link #UNSTATED}.
 */
record SftpRequestSizes(int read, int write) {
    /**
     * For servers that do not state their limits: 63 KiB, which servers take in practice (the SFTP
     * drafts promise only about 32 KiB; OpenSSH drops messages over 256 KiB).
     */
    static final SftpRequestSizes UNSTATED = new SftpRequestSizes(63 * 1024, 63 * 1024);
    private static final int UNSTATED_SIZE = UNSTATED.write();
    /**
     * The most fleet asks for even where a server allows more: OpenSSH's own limit, and big enough
     * that the per-request work no longer shows.
     */
    static final int LARGEST = 255 * 1024;
    /** MINA's SFTP streams refuse smaller buffers. */
    static final int SMALLEST = 256;
    /** Room for an SFTP request's own fields within the server's largest message. */
    private static final long REQUEST_OVERHEAD = 1024;

    private static final AttributeKey<SftpRequestSizes> ON_SESSION = new AttributeKey<>();

    /** The sizes for what a server states: its own read/write limits, within its message limit and {@link #LARGEST}. */
    static SftpRequestSizes stated(OpenSSHLimitsExtensionInfo limits) {
        return new SftpRequestSizes(within(limits.maxReadLength, limits.maxPacketLength),
                within(limits.maxWriteLength, limits.maxPacketLength));
    }

    /** Zero means "no limit stated" in the extension. */
    private static int within(long length, long packetLength) {
        long size = length > 0 ? length : UNSTATED_SIZE;
        if (packetLength > 0) {
            size = Math.min(size, packetLength - REQUEST_OVERHEAD);
        }
        return (int) Math.max(SMALLEST, Math.min(size, LARGEST));
    }

    /**
     * The sizes for {@code session}'s server, asked once per connection (one round trip, made by
     * the first file copied over it) and kept with the connection.
     */
    static SftpRequestSizes of(ClientSession session, SftpClient sftp) {
        SftpRequestSizes known = session.getAttribute(ON_SESSION);
        if (known != null) {
            return known;
        }
        SftpRequestSizes sizes = ask(sftp);
        session.setAttribute(ON_SESSION, sizes);
        return sizes;
    }

    private static SftpRequestSizes ask(SftpClient sftp) {
        OpenSSHLimitsExtension limits = sftp.getExtension(OpenSSHLimitsExtension.class);
        if (limits == null || !limits.isSupported()) {
            return UNSTATED;
        }
        try {
            return stated(limits.limits());
        } catch (IOException | RuntimeException e) {
            // A server that offers the extension and then fails it is treated as one that states nothing.
            return UNSTATED;
        }
    }
}
