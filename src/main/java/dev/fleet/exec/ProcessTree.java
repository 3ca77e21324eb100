package dev.fleet.exec;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ends a process and everything it started. */
final class ProcessTree {
    private ProcessTree() {
    }

    /**
     * Kills the process group (the command was started as a session leader, so its group id is
     * its pid) and, for children that left the group, every descendant still known.
     */
    static void kill(Process process, boolean groupLeader) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (groupLeader) {
            try {
                Process k = new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                k.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException e) {
                // Fall through to per-process kills.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
