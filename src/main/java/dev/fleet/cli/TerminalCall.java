package dev.fleet.cli;

import dev.fleet.exec.OutputListener;
import dev.fleet.tools.ToolCall;
import java.io.PrintStream;

/**
 * A tool call made by a person at a terminal: progress goes to the display on stderr and, when
 * asked, a command's output is passed through as it arrives, stdout to stdout and stderr to
 * stderr, as ssh would.
 */
final class TerminalCall implements ToolCall {
    private final ProgressDisplay display;
    private final OutputListener live;

    private TerminalCall(ProgressDisplay display, OutputListener live) {
        this.display = display;
        this.live = live;
    }

    static TerminalCall withProgress(ProgressDisplay display) {
        return new TerminalCall(display, null);
    }

    static TerminalCall streaming(ProgressDisplay display, PrintStream out, PrintStream err) {
        return new TerminalCall(display, new OutputListener() {
            @Override
            public void stdout(byte[] bytes, int offset, int length) {
                write(out, bytes, offset, length);
            }

            @Override
            public void stderr(byte[] bytes, int offset, int length) {
                write(err, bytes, offset, length);
            }

            private void write(PrintStream to, byte[] bytes, int offset, int length) {
                display.clear();
                synchronized (to) {
                    to.write(bytes, offset, length);
                    to.flush();
                }
            }
        });
    }

    /** Takes the progress bar off the screen once the call has returned. */
    void done() {
        display.clear();
    }

    @Override
    public void progress(double done, Double total, String message) {
        display.update(done, total, message);
    }

    @Override
    public OutputListener liveOutput() {
        return live;
    }
}
