package dev.fleet.exec.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpErrorDataHandler;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.DefaultSftpClient;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * MINA's SFTP client that can also send several requests before reading a reply ({@link Flight}).
 * A small file's copy otherwise waits for a reply after each of its steps: the bytes, the times,
 * the close and the look at the destination's name are four round trips, and over a folder of
 * many small files those waits are most of the time. SFTP answers each request by its id, and a
 * server carries out the requests on one file in the order they came (OpenSSH's sftp-server and
 * MINA's serve a session's requests one by one), so times sent after the last write are the
 * file's times, and the close comes after both.
 */
final class FlightSftpClient extends DefaultSftpClient {
    /** Room MINA's send fills in before a request's own fields: length, type and id. */
    private static final int HEADER = Integer.BYTES + 1 + Integer.BYTES;
    /** Writes of one flight in the air at most: a file that grew after it was planned small cannot queue without bound. */
    private static final int MOST_WRITES = 4;
    private static final String POSIX_RENAME = "posix-rename@openssh.com";
    /** Requests whose replies nothing waits for (a listing's close, a download's), read by {@link #settle}. */
    private final Deque<Integer> dropped = new ArrayDeque<>();

    private FlightSftpClient(ClientSession session) throws IOException {
        super(session, SftpVersionSelector.CURRENT, SftpErrorDataHandler.EMPTY);
    }

    /** A session on {@code session}, its version agreed as MINA's own factory agrees it. */
    static FlightSftpClient open(ClientSession session) throws IOException {
        FlightSftpClient client = new FlightSftpClient(session);
        try {
            client.negotiateVersion(SftpVersionSelector.CURRENT);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * The session's channel answers the member's close only after the request being sent has
     * gone out ({@link CloseAfterWrites}).
     */
    @Override
    protected ChannelSubsystem createSftpChannelSubsystem(ClientSession session) {
        return new OrderlySftpChannel();
    }

    /**
     * MINA's SFTP channel, its writes and the member's close taken in order: the same three hooks
     * as {@link OrderlyExec}, whose channel class shares no parent with this one.
     */
    private final class OrderlySftpChannel extends SftpChannelSubsystem {
        private final CloseAfterWrites writes = new CloseAfterWrites();

        @Override
        public IoWriteFuture writePacket(Buffer buffer) throws IOException {
            return writes.write(() -> super.writePacket(buffer));
        }

        @Override
        protected IoWriteFuture sendEof() throws IOException {
            return writes.write(super::sendEof);
        }

        @Override
        public void handleClose() throws IOException {
            writes.memberClosed(super::handleClose);
        }
    }

    Flight flight() {
        return new Flight();
    }

    /**
     * The entries of the folder {@code path}, as MINA's {@code readDir} gives them, in fewer round
     * trips: its reads go two at a time, so a folder whose entries fit one reply (OpenSSH's
     * sftp-server puts up to 100 in each) ends in the first pair, and its close is not waited for:
     * that reply is read with a later one ({@link #settle}). A folder that is not there, or not
     * readable, throws the server's refusal as {@code readDir} does.
     */
    List<SftpClient.DirEntry> list(String path) throws IOException {
        Handle dir = openDir(path);
        // The opendir's reply came after every reply still unread, so reading those costs no wait.
        settle();
        List<SftpClient.DirEntry> entries = new ArrayList<>();
        try {
            boolean end = false;
            while (!end) {
                int first = readDirRequest(dir);
                int second = readDirRequest(dir);
                try {
                    end = readInto(first, entries);
                } catch (IOException | RuntimeException e) {
                    dropped.add(second);
                    throw e;
                }
                // After an end the second read can only say so again; its reply is read all the same.
                end = readInto(second, end ? new ArrayList<>() : entries) || end;
            }
        } finally {
            closeUnwaited(dir);
        }
        return entries;
    }

    /**
     * Reads the replies left unread (a close of something only read, a read sent beside a refused
     * one) and drops them: their requests changed nothing that a later request depends on. Replies
     * come in the order of their requests, so once a later reply is in, this does not wait.
     */
    void settle() throws IOException {
        while (!dropped.isEmpty()) {
            receive(dropped.poll());
        }
    }

    /** A file's attributes on its open handle and its first bytes ({@link #firstRead}). */
    record FirstRead(SftpClient.Attributes attributes, byte[] bytes) {
    }

    /**
     * The attributes of the file open as {@code handle} and its first {@code length} bytes (fewer
     * at its end; none for an empty file), asked together: a file that fits one read comes whole,
     * with its permission bits, in one round trip after the open.
     */
    FirstRead firstRead(Handle handle, int length) throws IOException {
        byte[] id = handle.getIdentifier();
        Buffer fstat = request(id.length + 16);
        fstat.putBytes(id);
        if (getVersion() >= SftpConstants.SFTP_V4) {
            fstat.putUInt(SftpConstants.SSH_FILEXFER_ATTR_ALL);
        }
        int statId = send(SftpConstants.SSH_FXP_FSTAT, fstat);
        Buffer read = request(id.length + 16);
        read.putBytes(id);
        read.putLong(0);
        read.putUInt(length);
        int readId = send(SftpConstants.SSH_FXP_READ, read);
        SftpClient.Attributes attributes;
        try {
            attributes = checkAttributesResponse(SftpResponse.parse(SftpConstants.SSH_FXP_FSTAT, receive(statId)));
        } catch (IOException | RuntimeException e) {
            dropped.add(readId);
            throw e;
        }
        SftpResponse data = SftpResponse.parse(SftpConstants.SSH_FXP_READ, receive(readId));
        if (data.getType() == SftpConstants.SSH_FXP_DATA) {
            return new FirstRead(attributes, data.getBuffer().getBytes());
        }
        try {
            checkResponseStatus(data);
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_EOF) {
                throw e;
            }
        }
        return new FirstRead(attributes, new byte[0]);
    }

    /** Closes {@code handle}, a file or folder only read, without waiting: its reply is read by {@link #settle}. */
    void closeUnwaited(Handle handle) throws IOException {
        Buffer b = request(handle.length() + 8);
        b.putBytes(handle.getIdentifier());
        dropped.add(send(SftpConstants.SSH_FXP_CLOSE, b));
    }

    private int readDirRequest(Handle dir) throws IOException {
        Buffer b = request(dir.length() + 8);
        b.putBytes(dir.getIdentifier());
        return send(SftpConstants.SSH_FXP_READDIR, b);
    }

    /** Adds what the read {@code id} answered to {@code entries}; true when it said the listing has ended. */
    private boolean readInto(int id, List<SftpClient.DirEntry> entries) throws IOException {
        List<SftpClient.DirEntry> got = checkDirResponse(SftpResponse.parse(SftpConstants.SSH_FXP_READDIR, receive(id)), null);
        if (got == null) {
            return true;
        }
        entries.addAll(got);
        return false;
    }

    Replies replies() {
        return new Replies();
    }

    /**
     * Requests on many files (looks at names, renames, removals) sent without waiting for each
     * other's replies, at most {@link #IN_THE_AIR} unanswered at a time; each reply is kept by the
     * number its request was given, a refusal as its {@link SftpException}. A lost session throws
     * at once.
     */
    final class Replies {
        /** Enough to keep a connection busy with small requests; bounded, so that replies never queue without end. */
        static final int IN_THE_AIR = 64;
        private final Deque<Pending> unread = new ArrayDeque<>();
        private final java.util.List<Object> answers = new java.util.ArrayList<>();

        private record Pending(int cmd, int id, int index) {
        }

        /** Asks for {@code path}'s own attributes (a link is not followed); its answer is the attributes, or a refusal. */
        int lstat(String path) throws IOException {
            return sent(SftpConstants.SSH_FXP_LSTAT, lstatRequest(path));
        }

        /** Renames {@code from} over {@code to} ({@code posix-rename@openssh.com}: atomic, replacing what is there). */
        int posixRename(String from, String to) throws IOException {
            Buffer b = request(POSIX_RENAME.length() + (from.length() + to.length()) * 3 + 16);
            b.putString(POSIX_RENAME);
            putReferencedName(SftpConstants.SSH_FXP_EXTENDED, b, from, 0);
            putReferencedName(SftpConstants.SSH_FXP_EXTENDED, b, to, 1);
            return sent(SftpConstants.SSH_FXP_EXTENDED, b);
        }

        /** Removes {@code path} (a link, not what it leads to). */
        int remove(String path) throws IOException {
            Buffer b = request(path.length() * 3 + 8);
            putReferencedName(SftpConstants.SSH_FXP_REMOVE, b, path, 0);
            return sent(SftpConstants.SSH_FXP_REMOVE, b);
        }

        /** Reads every reply still due; then each request's answer is {@link #answer}. */
        void finish() throws IOException {
            while (!unread.isEmpty()) {
                read(unread.poll());
            }
        }

        /** Request {@code index}'s answer once {@link #finish} has read it: attributes (an lstat), null (done), or the refusal. */
        Object answer(int index) {
            return answers.get(index);
        }

        private int sent(int cmd, Buffer b) throws IOException {
            if (unread.size() >= IN_THE_AIR) {
                read(unread.poll());
            }
            int index = answers.size();
            answers.add(null);
            unread.add(new Pending(cmd, send(cmd, b), index));
            return index;
        }

        private void read(Pending p) throws IOException {
            SftpResponse response = SftpResponse.parse(p.cmd(), receive(p.id()));
            try {
                if (p.cmd() == SftpConstants.SSH_FXP_LSTAT) {
                    answers.set(p.index(), checkAttributesResponse(response));
                } else {
                    checkResponseStatus(response);
                }
            } catch (SftpException refused) {
                answers.set(p.index(), refused);
            }
        }
    }

    /**
     * Requests sent without waiting, answered all at once by {@link #finish}. At most one lstat
     * per flight; its answer is what {@code finish} returns.
     */
    final class Flight {
        private final Deque<Sent> writes = new ArrayDeque<>();
        private final Deque<Sent> others = new ArrayDeque<>();
        private IOException failed;
        private Sent lstat;

        private record Sent(int cmd, int id) {
        }

        void setAttributes(SftpClient.Handle handle, SftpClient.Attributes attributes) throws IOException {
            Buffer b = request(handle.length() + 64);
            b.putBytes(handle.getIdentifier());
            writeAttributes(SftpConstants.SSH_FXP_FSETSTAT, b, attributes);
            others.add(new Sent(SftpConstants.SSH_FXP_FSETSTAT, send(SftpConstants.SSH_FXP_FSETSTAT, b)));
        }

        /**
         * Writes what {@code from} holds, from {@code offset} to its end, in requests of at most
         * {@code request} bytes each read straight into the request; returns the bytes sent. The
         * first request has room for the {@code expected} bytes and one more, so a small file
         * costs a packet of its own size, not of a whole request, and its end shows at once.
         */
        long writeAll(SftpClient.Handle handle, long offset, ReadableByteChannel from, int request, long expected)
                throws IOException {
            byte[] id = handle.getIdentifier();
            int head = HEADER + Integer.BYTES + id.length + Long.BYTES + Integer.BYTES;
            int room = (int) Math.min(request, Math.max(0, expected) + 1);
            long sent = 0;
            while (true) {
                byte[] packet = new byte[head + room];
                ByteBuffer into = ByteBuffer.wrap(packet, head, room);
                while (into.hasRemaining() && from.read(into) >= 0) {
                    // a file reads until full or at its end
                }
                int n = into.position() - head;
                if (n == 0) {
                    return sent;
                }
                if (writes.size() >= MOST_WRITES) {
                    keep(writes.poll());
                }
                Buffer b = new ByteArrayBuffer(packet, false);
                b.rpos(HEADER);
                b.wpos(HEADER);
                b.putBytes(id);
                b.putLong(offset + sent);
                b.putInt(n);
                b.wpos(head + n);
                writes.add(new Sent(SftpConstants.SSH_FXP_WRITE, send(SftpConstants.SSH_FXP_WRITE, b)));
                sent += n;
                if (n < room) {
                    return sent;
                }
                // It grew since it was planned: the rest in whole requests.
                room = request;
            }
        }

        void close(SftpClient.Handle handle) throws IOException {
            Buffer b = request(handle.length() + 8);
            b.putBytes(handle.getIdentifier());
            others.add(new Sent(SftpConstants.SSH_FXP_CLOSE, send(SftpConstants.SSH_FXP_CLOSE, b)));
        }

        /** Asks for {@code path}'s own attributes (a link is not followed). */
        void lstat(String path) throws IOException {
            lstat = new Sent(SftpConstants.SSH_FXP_LSTAT, send(SftpConstants.SSH_FXP_LSTAT, lstatRequest(path)));
        }

        /**
         * Reads every reply. The first refusal is thrown once all are read, so none is left waiting;
         * else the lstat's attributes, or null when nothing is at its path (or none was asked).
         */
        SftpClient.Attributes finish() throws IOException {
            while (!writes.isEmpty()) {
                keep(writes.poll());
            }
            while (!others.isEmpty()) {
                keep(others.poll());
            }
            SftpClient.Attributes attributes = null;
            if (lstat != null) {
                try {
                    attributes = checkAttributesResponse(SftpResponse.parse(lstat.cmd(), receive(lstat.id())));
                } catch (SftpException notThere) {
                    // Nothing to look at under that name (or the server would not say): nothing there can lead elsewhere.
                }
                lstat = null;
            }
            if (failed != null) {
                IOException e = failed;
                failed = null;
                throw e;
            }
            return attributes;
        }

        /** Reads one reply; a refusal is kept (the first one) and the rest still read. A lost session throws at once. */
        private void keep(Sent sent) throws IOException {
            try {
                checkResponseStatus(SftpResponse.parse(sent.cmd(), receive(sent.id())));
            } catch (SftpException refused) {
                if (failed == null) {
                    failed = refused;
                }
            }
        }
    }

    /** Whether the server renames over an existing file in one step ({@code posix-rename@openssh.com}; OpenSSH's does). */
    boolean renamesPosix() {
        OpenSSHPosixRenameExtension posix = getExtension(OpenSSHPosixRenameExtension.class);
        return posix != null && posix.isSupported();
    }

    /** An lstat of {@code path}: its own attributes, a link not followed. */
    private Buffer lstatRequest(String path) {
        Buffer b = request(path.length() * 3 + 8);
        putReferencedName(SftpConstants.SSH_FXP_LSTAT, b, path, 0);
        if (getVersion() >= SftpConstants.SFTP_V4) {
            // From version 4 on the request names the attributes it wants, as MINA's own lstat asks: all.
            b.putUInt(SftpConstants.SSH_FILEXFER_ATTR_ALL);
        }
        return b;
    }

    /** A request's buffer, with room for what MINA's send puts before its fields. */
    private static Buffer request(int size) {
        Buffer b = new ByteArrayBuffer(HEADER + size, false);
        b.rpos(HEADER);
        b.wpos(HEADER);
        return b;
    }
}
