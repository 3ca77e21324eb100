package dev.fleet.exec;

import dev.fleet.base.CutText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Drains one output stream. Up to {@code cap} bytes stay in memory; past that everything (what
 * was buffered and the rest) goes to a spill file and only the last {@code cap} bytes are kept
 * for the inline answer, so 20 MB of output costs a file, not the heap.
 */
public final class OutputCapture {
    private final int cap;
    private final Supplier<Path> spillFileFactory;
    private final Tee tee;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private byte[] tail;
    private int tailPos;
    private boolean tailWrapped;
    private OutputStream spill;
    private Path spillPath;
    private long total;

    /** Where output goes as well as into the capture (an {@link OutputListener}'s stream). */
    @FunctionalInterface
    interface Tee {
        void accept(byte[] bytes, int offset, int length);
    }

    public OutputCapture(int cap, Supplier<Path> spillFileFactory) {
        this(cap, spillFileFactory, null);
    }

    OutputCapture(int cap, Supplier<Path> spillFileFactory, Tee tee) {
        this.cap = cap;
        this.spillFileFactory = spillFileFactory;
        this.tee = tee;
    }

    void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            accept(buf, n);
        }
    }

    /** A stream view for producers that push output (SSH channels) instead of being read. */
    public OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                accept(new byte[] {(byte) b}, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (off == 0) {
                    accept(b, len);
                } else {
                    accept(java.util.Arrays.copyOfRange(b, off, off + len), len);
                }
            }
        };
    }

    private synchronized void accept(byte[] buf, int n) throws IOException {
        if (tee != null) {
            tee.accept(buf, 0, n);
        }
        total += n;
        if (spill == null && head.size() + n <= cap) {
            head.write(buf, 0, n);
            return;
        }
        if (spill == null) {
            startSpilling();
        }
        spill.write(buf, 0, n);
        appendTail(buf, n);
    }

    private void startSpilling() throws IOException {
        spillPath = spillFileFactory.get();
        // Made a moment ago, empty and owner-only, by the spill folder: opened as that file, never
        // through a link put in its place meanwhile.
        spill = Files.newOutputStream(spillPath, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        byte[] buffered = head.toByteArray();
        spill.write(buffered);
        tail = new byte[cap];
        appendTail(buffered, buffered.length);
        head.reset();
    }

    private void appendTail(byte[] buf, int n) {
        int offset = Math.max(0, n - cap);
        for (int i = offset; i < n; i++) {
            tail[tailPos] = buf[i];
            tailPos = (tailPos + 1) % cap;
            if (tailPos == 0) {
                tailWrapped = true;
            }
        }
    }

    /** Closes the spill file, if any. */
    public void finish() {
        if (spill != null) {
            try {
                spill.close();
            } catch (IOException ignored) {
                // The inline tail is still correct; the file may be short.
            }
        }
    }

    public synchronized String text() {
        if (spill == null) {
            return head.toString(StandardCharsets.UTF_8);
        }
        byte[] out;
        if (tailWrapped) {
            out = new byte[cap];
            System.arraycopy(tail, tailPos, out, 0, cap - tailPos);
            System.arraycopy(tail, 0, out, cap - tailPos, tailPos);
        } else {
            out = java.util.Arrays.copyOf(tail, tailPos);
        }
        if (!tailWrapped) {
            return new String(out, StandardCharsets.UTF_8);
        }
        // Cut at an arbitrary byte: never begin with half of a character, nor with the end of a cut line or word.
        int from = 0;
        while (from < out.length && from < 3 && (out[from] & 0xC0) == 0x80) {
            from++;
        }
        String cut = new String(out, from, out.length - from, StandardCharsets.UTF_8);
        return cut.substring(CutText.cleanStart(cut));
    }

    public long totalBytes() {
        return total;
    }

    /** Null unless the output exceeded the cap. */
    public String spillPath() {
        return spillPath == null ? null : spillPath.toString();
    }
}
