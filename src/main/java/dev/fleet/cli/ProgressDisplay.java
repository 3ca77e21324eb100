package dev.fleet.cli;

import java.io.PrintStream;

/**
 * Progress of a long command-line operation on stderr: a bar redrawn in place on a terminal,
 * plain lines otherwise (only when the message changes or another tenth is done), so logs
 * stay readable.
 */
final class ProgressDisplay {
    private static final int BAR = 24;
    private static final int WIDTH = 100;

    private final PrintStream err;
    private final Terminal terminal;
    private boolean drawn;
    private String lastMessage;
    private long lastTenth = -1;

    ProgressDisplay(PrintStream err, Terminal terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    synchronized void update(double done, Double total, String message) {
        String text = message == null ? "" : message.strip().replace('\n', ' ');
        if (terminal.isTty()) {
            String line = total != null && total > 0 ? bar(done / total) + " " + text : "... " + text;
            err.print("\r" + cut(line) + "\u001b[K");
            err.flush();
            drawn = true;
            return;
        }
        long tenth = total != null && total > 0 ? (long) Math.floor(done / total * 10) : -1;
        if (!text.equals(lastMessage) || tenth > lastTenth) {
            err.println("fleet: " + text + (tenth >= 0 ? " (" + Math.min(100, Math.round(done / total * 100)) + "%)" : ""));
            lastMessage = text;
            lastTenth = tenth;
        }
    }

    /** Takes the bar off the screen before other output, or at the end. */
    synchronized void clear() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    private static String bar(double fraction) {
        double f = Math.max(0, Math.min(1, fraction));
        int full = (int) Math.round(f * BAR);
        return "[" + "#".repeat(full) + " ".repeat(BAR - full) + "] " + String.format("%3d%%", Math.round(f * 100));
    }

    private static String cut(String line) {
        return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 1) + "…";
    }
}
