package dev.fleet.statusline;

import dev.fleet.member.DataDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code fleet statusline}: prints the line the server keeps in the data dir, followed by a marker
 * telling how fresh it is. Claude Code runs it for its {@code statusLine} setting many times a
 * session, so it reads one file and exits: no server, no JSON library, no registry.
 */
public final class StatuslinePrinter {
    public static final String NO_STATUS = "Fleet: no status";
    /** Claude Code pipes a session description in; reading it is bounded so a terminal never hangs. */
    private static final long DRAIN_MS = 200;

    private StatuslinePrinter() {
    }

    /** Prints the status line; always exit code 0 (a status line must never show an error box). */
    public static int run(Map<String, String> env, InputStream stdin, OutputStream out) {
        Thread drain = drain(stdin);
        String text = render(StatuslineService.lineFile(DataDir.fromEnvironment(env)), Instant.now());
        try {
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // Nobody is reading: nothing to tell.
        }
        try {
            drain.join(DRAIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The line and its freshness marker, or {@link #NO_STATUS} when no server has written one yet. */
    public static String render(Path file, Instant now) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int eol = content.indexOf('\n');
            String line = (eol < 0 ? content : content.substring(0, eol)).strip();
            if (line.isEmpty()) {
                return NO_STATUS;
            }
            Duration age = Duration.between(Files.getLastModifiedTime(file).toInstant(), now);
            return line + "  " + freshness(age);
        } catch (NoSuchFileException e) {
            return NO_STATUS;
        } catch (IOException | RuntimeException e) {
            return NO_STATUS;
        }
    }

    /** From ✅ (written in the last 10 seconds) to 🔴 (two hours or more). */
    public static String freshness(Duration age) {
        long s = Math.max(0, age.toSeconds());
        if (s < 10) {
            return "✅";
        }
        if (s < 60) {
            return "☑️";
        }
        if (s < 5 * 60) {
            return "✔️";
        }
        if (s < 15 * 60) {
            return "⏳";
        }
        if (s < 30 * 60) {
            return "⚠️";
        }
        if (s < 60 * 60) {
            return "🟡";
        }
        if (s < 2 * 60 * 60) {
            return "🟠";
        }
        return "🔴";
    }

    private static Thread drain(InputStream stdin) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                while (stdin.read(buf) >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // Closed or unreadable: nothing to drain.
            }
        }, "statusline-stdin");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
