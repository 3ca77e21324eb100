package dev.fleet.exec.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Local files as one tar archive, made as it is read: GNU format (POSIX ustar headers; a name
 * longer than a header holds goes before it in a long-name entry, as raw bytes, so no character
 * set is converted on the member). Regular files only, with their time and permission bits; no
 * owner. Each file is read whole when its turn comes, so its header gives the length that
 * follows even if the file changed since it was planned; one that cannot be read, is larger
 * than its entry allows or has a time the format cannot hold is left out, and
 * {@link #archived} says so.
 */
final class ArchiveStream implements ReadableByteChannel {
    static final int BLOCK = 512;
    /** The archive ends on a whole record of twenty blocks, as tar writes and reads them. */
    private static final int RECORD = 20 * BLOCK;
    /** The largest size or time a header's eleven octal digits hold (a time until the year 2242). */
    static final long LARGEST_NUMBER = 077777777777L;
    /** A name longer than this goes in a long-name entry before its header. */
    private static final int NAME_FIELD = 100;
    private static final byte[] LONG_NAME = "././@LongLink".getBytes(StandardCharsets.US_ASCII);
    /** Padding is read from here, never written. */
    private static final byte[] ZEROS = new byte[BLOCK];

    /**
     * One file: read from {@code source}, named {@code name} in the archive (UTF-8, no NUL), with
     * {@code mode}'s permission bits and {@code modifiedSeconds}; at most {@code largest} bytes.
     */
    record Entry(Path source, String name, int mode, long modifiedSeconds, long largest) {
    }

    private final List<Entry> entries;
    /** Each entry's length in the archive; -1 until it is there, and for one left out. */
    private final long[] archived;
    private int next;
    /** What is made and not yet read: headers, a file's bytes and its padding, each as it is (no copy into one array). */
    private final java.util.ArrayDeque<ByteBuffer> pending = new java.util.ArrayDeque<>();
    private long written;
    private boolean trailerWritten;
    private boolean open = true;

    ArchiveStream(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.archived = new long[entries.size()];
        java.util.Arrays.fill(archived, -1);
    }

    /** The bytes of entry {@code i} in the archive; -1 when it was left out (or not reached yet). */
    long archived(int i) {
        return archived[i];
    }

    @Override
    public int read(ByteBuffer into) {
        int n = 0;
        while (into.hasRemaining()) {
            ByteBuffer head = pending.peek();
            if (head == null) {
                if (!advance()) {
                    return n == 0 ? -1 : n;
                }
                continue;
            }
            int take = Math.min(into.remaining(), head.remaining());
            into.put(head.array(), head.arrayOffset() + head.position(), take);
            head.position(head.position() + take);
            n += take;
            if (!head.hasRemaining()) {
                pending.poll();
            }
        }
        return n;
    }

    /** Puts the next entry, or the end of the archive, in {@link #pending}; false when everything is out. */
    private boolean advance() {
        while (next < entries.size()) {
            int i = next++;
            Entry e = entries.get(i);
            byte[] bytes = contents(e);
            if (bytes != null) {
                queue(e, bytes);
                archived[i] = bytes.length;
                return true;
            }
        }
        if (trailerWritten) {
            return false;
        }
        trailerWritten = true;
        long end = written + 2L * BLOCK;
        add(ByteBuffer.allocate((int) (2L * BLOCK + (RECORD - end % RECORD) % RECORD)));
        return true;
    }

    /** The file's bytes, or null when it is to be left out (see the class). */
    private static byte[] contents(Entry e) {
        if (e.modifiedSeconds() < 0 || e.modifiedSeconds() > LARGEST_NUMBER || e.largest() > LARGEST_NUMBER) {
            return null;
        }
        try (FileChannel in = FileChannel.open(e.source(), StandardOpenOption.READ)) {
            if (in.size() > e.largest()) {
                return null;
            }
            // One byte more than allowed tells a file that grew past it since its size was read.
            ByteBuffer into = ByteBuffer.allocate((int) Math.min(e.largest() + 1, in.size() + 1));
            while (into.hasRemaining() && in.read(into) >= 0) {
                // read until full or at the file's end
            }
            if (into.position() > e.largest()) {
                return null;
            }
            byte[] bytes = new byte[into.position()];
            into.flip().get(bytes);
            return bytes;
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** One file's entry: a long-name entry first where its name needs one, its header, its bytes, their padding. */
    private void queue(Entry e, byte[] bytes) {
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > NAME_FIELD) {
            byte[] longName = java.util.Arrays.copyOf(name, name.length + 1);
            add(ByteBuffer.wrap(header(LONG_NAME, 0, 0, longName.length, 'L')));
            add(ByteBuffer.wrap(longName));
            add(ByteBuffer.wrap(ZEROS, 0, padding(longName.length)));
        }
        add(ByteBuffer.wrap(header(name, e.mode(), e.modifiedSeconds(), bytes.length, '0')));
        add(ByteBuffer.wrap(bytes));
        add(ByteBuffer.wrap(ZEROS, 0, padding(bytes.length)));
    }

    private void add(ByteBuffer part) {
        if (part.hasRemaining()) {
            pending.add(part);
            written += part.remaining();
        }
    }

    private static int padding(long length) {
        return (int) ((BLOCK - length % BLOCK) % BLOCK);
    }

    /** One header block: the name cut to its field (a longer one went before it in full), no owner. */
    static byte[] header(byte[] name, int mode, long modifiedSeconds, long size, char type) {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(name.length, NAME_FIELD));
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, modifiedSeconds);
        h[156] = (byte) type;
        // GNU's mark: "ustar", two spaces and a NUL.
        System.arraycopy("ustar  \0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    /** {@code value} in octal digits, zero-padded to fill {@code length} less one, then a NUL. */
    private static void octal(byte[] h, int at, int length, long value) {
        String digits = Long.toOctalString(value);
        int width = length - 1;
        for (int i = 0; i < width; i++) {
            int from = digits.length() - width + i;
            h[at + i] = (byte) (from < 0 ? '0' : digits.charAt(from));
        }
        h[at + width] = 0;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
