package dev.fleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real processes to stand for the ones a fake nvidia-smi says hold GPU memory, each in a session of
 * its own (as a job started from a terminal is), so the GPU look measures their CPU use as it
 * would on an instance: one that sleeps, one that spins a core.
 */
public final class GpuHolderProcesses implements AutoCloseable {
    /** A pid no Linux process can have (above the largest pid_max): a holder /proc cannot show. */
    public static final String UNSEEN = "99999999";

    private final List<Process> started = new ArrayList<>();

    /** The pid of a process that does nothing on the CPU. */
    public String idle() throws IOException {
        return start("exec sleep 600");
    }

    /** The pid of a process that keeps a core busy. */
    public String working() throws IOException {
        return start("while :; do :; done");
    }

    /** The pid of a process that waits while a child of its own keeps a core busy (a job and its data-loading worker). */
    public String idleWithAWorkingChild() throws IOException {
        return start("sh -c 'while :; do :; done' & wait");
    }

    /**
     * The pid of a sleeping process whose parent keeps a core busy: the parent is no part of the
     * holder's work (a terminal's busy loop beside a forgotten job) and must not count.
     */
    public String idleBesideAWorkingParent() throws IOException, InterruptedException {
        Path file = Files.createTempFile("holder", ".pid");
        try {
            start("sleep 600 & echo $! > '" + file + "'; while :; do :; done");
            for (int i = 0; i < 200; i++) {
                String pid = Files.readString(file).strip();
                if (!pid.isEmpty()) {
                    return pid;
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("the holder's pid was not written");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The pid standing for holders of this kind. */
    public String of(GpuScenarios.Holders holders) throws IOException {
        return switch (holders) {
            case IDLE -> idle();
            case WORKING -> working();
            case UNSEEN -> UNSEEN;
        };
    }

    private String start(String script) throws IOException {
        // setsid runs the command in a new session without forking: its pid is this Process's.
        Process p = new ProcessBuilder("setsid", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        String pid = Long.toString(p.pid());
        // A session of its own, or the measure would take in this test JVM's CPU.
        for (int i = 0; i < 100; i++) {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
            if (f[3].equals(pid)) {
                return pid;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("process " + pid + " did not get a session of its own");
    }

    @Override
    public void close() {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }
}
