package dev.fleet.exec.ssh;

import java.io.IOException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;

/** MINA's pipelined SFTP writer on a handle its caller opened and closes. */
final class PipelinedWrites {
    private PipelinedWrites() {
    }

    /**
     * Writes of {@code request} bytes each to {@code path}'s open {@code handle}, many in flight.
     * MINA's SFTP client is always its AbstractSftpClient; anything else is a setup fault.
     */
    static SftpOutputStreamAsync to(SftpClient sftp, String path, SftpClient.CloseableHandle handle, int request) throws IOException {
        if (!(sftp instanceof AbstractSftpClient client)) {
            throw new IOException("the SFTP client " + sftp.getClass().getName() + " cannot pipeline writes");
        }
        return new SftpOutputStreamAsync(client, request, path, handle, false);
    }
}
