package dev.fleet.statusline;

import dev.fleet.settings.Settings;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
        String text = render(Settings.dataDirOf(env).resolve(StatuslineService.FILE_NAME).toFile(),
                System.currentTimeMillis());
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

    /**
     * The line and its freshness marker, or {@link #NO_STATUS} when no server has written one yet.
     * Plain java.io on purpose: NIO channels load a native library this command has no time for.
     */
    public static String render(File file, long nowMillis) {
        long modified = file.lastModified();
        if (modified == 0) {
            return NO_STATUS;
        }
        String content;
        try (FileInputStream in = new FileInputStream(file)) {
            content = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return NO_STATUS;
        }
        int eol = content.indexOf('\n');
        String line = (eol < 0 ? content : content.substring(0, eol)).strip();
        if (line.isEmpty()) {
            return NO_STATUS;
        }
        return line + "  " + freshness((nowMillis - modified) / 1000);
    }

    /** From ✅ (written in the last 10 seconds) to 🔴 (two hours or more). */
    public static String freshness(long ageSeconds) {
        long s = Math.max(0, ageSeconds);
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

    /** A plain thread class, not a lambda: a lambda's bootstrap alone costs this short-lived process a tenth of its start-up. */
    private static Thread drain(InputStream stdin) {
        Thread t = new Drain(stdin);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static final class Drain extends Thread {
        private final InputStream in;

        Drain(InputStream in) {
            super("statusline-stdin");
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                while (in.read(buf) >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // Closed or unreadable: nothing to drain.
            }
        }
    }
}
