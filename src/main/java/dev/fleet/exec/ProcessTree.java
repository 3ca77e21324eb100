package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ends a process and everything it started. */
final class ProcessTree {
    private static final long KILL_WAIT_SECONDS = 5;

    private ProcessTree() {
    }

    /**
     * Kills the command's process group when it leads one (it was started in a session of its
     * own), every process carrying its run tag (those that left the group or the tree), and every
     * descendant still known.
     */
    static void kill(Process process, boolean groupLeader, OsCommands os, String runId) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (groupLeader) {
            run(List.of("kill", "-KILL", "--", "-" + process.pid()));
        }
        if (os.os() != MemberOs.WINDOWS) {
            // The same tag search that ends a remote command.
            run(os.shellArgv(os.killTagged(runId)));
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void run(List<String> argv) {
        try {
            Process k = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!k.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                k.destroyForcibly();
            }
        } catch (IOException e) {
            // Fall through to per-process kills.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
