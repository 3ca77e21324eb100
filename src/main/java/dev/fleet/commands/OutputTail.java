package dev.fleet.commands;

import dev.fleet.base.Background;
import dev.fleet.base.Progress;
import dev.fleet.exec.OutputListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Turns a running command's output into progress notifications carrying its newest lines, at
 * most one a second and only when something new arrived, so a client sees a long build move
 * without being flooded. Lines are cut to a readable length.
 */
final class OutputTail implements OutputListener, AutoCloseable {
    static final int LINES = 5;
    static final int LINE_CHARS = 200;
    private static final long EVERY_MS = 1000;

    private final Progress progress;
    private final Deque<String> lines = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private final ScheduledExecutorService ticker;
    private long bytes;
    private boolean fresh;

    private OutputTail(Progress progress) {
        this.progress = progress;
        this.ticker = Background.repeat("fleet-output-tail", Duration.ofMillis(EVERY_MS), this::send,
                e -> { }); // a progress message that could not be sent is simply not seen; the next one may be
    }

    /** A tail for callers that want progress; null for those that do not. */
    static OutputTail startIf(Progress progress) {
        return progress.wanted() ? new OutputTail(progress) : null;
    }

    @Override
    public void stdout(byte[] b, int off, int len) {
        add(b, off, len);
    }

    @Override
    public void stderr(byte[] b, int off, int len) {
        add(b, off, len);
    }

    private synchronized void add(byte[] b, int off, int len) {
        bytes += len;
        // Chunks may split a multi-byte character; the tail is for reading, so that only mars a character.
        String text = new String(b, off, len, StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                push(partial.toString());
                partial.setLength(0);
            } else if (c != '\r' && partial.length() < LINE_CHARS) {
                partial.append(c);
            }
        }
        fresh = true;
    }

    private void push(String line) {
        lines.addLast(line);
        while (lines.size() > LINES) {
            lines.removeFirst();
        }
    }

    private void send() {
        String message;
        long done;
        synchronized (this) {
            if (!fresh) {
                return;
            }
            fresh = false;
            StringBuilder m = new StringBuilder();
            lines.forEach(l -> m.append(l).append('\n'));
            if (partial.length() > 0) {
                m.append(partial);
            }
            message = m.toString().stripTrailing();
            done = bytes;
        }
        try {
            progress.report(done, null, message);
        } catch (RuntimeException e) {
            // Progress is a courtesy; the command's result does not depend on it.
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
