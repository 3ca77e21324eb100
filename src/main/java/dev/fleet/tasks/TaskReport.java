package dev.fleet.tasks;

import dev.fleet.base.CutText;
import dev.fleet.probe.GpuReading;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one look at a task on its member showed (the output of {@code OsCommands.taskReport}).
 *
 * @param status          empty until the wrapper's first write
 * @param pid             the wrapper's pid from {@code task.pid}; null once it has ended
 * @param pidAlive        that process runs (not a zombie) and is still this task's wrapper
 * @param activityAgeSec  seconds since the last activity mark; null when there is none
 * @param gpu             GPU use when {@code nvidia-smi} answered
 * @param gpuProcesses    processes holding GPU memory ({@code --query-compute-apps}), each marked when it
 *                        belongs to the task; empty without GPU tool
 * @param logTail         the last lines of {@code task.log}
 */
public record TaskReport(TaskId id, String taskDir, Optional<TaskStatus> status, Long pid, boolean pidAlive,
                         boolean cancelRequested, Long activityAgeSec, Integer activityIntervalSec, Optional<GpuReading> gpu,
                         List<GpuProcess> gpuProcesses, String logTail) {

    /** One process holding GPU memory; {@code ofTask}: it carries this task's tag (its own process tree). */
    public record GpuProcess(long pid, long usedMemoryMiB, boolean ofTask) {
    }

    /** The status says running or retrying, yet no wrapper process lives: nobody will finish or retry it. */
    public boolean crashed() {
        return status.map(TaskStatus::active).orElse(false) && !pidAlive;
    }

    /**
     * GPU memory is held by processes of this task's own tree while its wrapper is gone (the
     * dead-DataLoader case). Other jobs' GPU processes never count: they are not this task's to free.
     */
    public boolean orphanedGpuMemory() {
        return !pidAlive && orphans().stream().anyMatch(p -> p.usedMemoryMiB() > 0);
    }

    /** The task's own processes that hold GPU memory. */
    public List<GpuProcess> orphans() {
        return gpuProcesses.stream().filter(GpuProcess::ofTask).toList();
    }

    /** GPU memory held by the task's own processes. */
    public long gpuMemoryHeldMiB() {
        return orphans().stream().mapToLong(GpuProcess::usedMemoryMiB).sum();
    }

    static final String MARK = "@@fleet-task:";

    /** Parses a report whose log the member did not cut; empty when the task's folder does not exist. */
    static Optional<TaskReport> parse(TaskId id, String output, int maxLogChars) {
        return parse(id, output, maxLogChars, Integer.MAX_VALUE);
    }

    /**
     * Parses a report; empty when the task's folder does not exist.
     *
     * @param logBytes the bytes of task.log the member read at most: a log that long may start mid-line
     */
    static Optional<TaskReport> parse(TaskId id, String output, int maxLogChars, int logBytes) {
        Map<String, String> sections = new LinkedHashMap<>();
        int logAt = output.indexOf(MARK + "log\n");
        String head = logAt < 0 ? output : output.substring(0, logAt);
        String log = logAt < 0 ? "" : output.substring(logAt + (MARK + "log\n").length());
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : head.split("\n", -1)) {
            if (line.startsWith(MARK)) {
                if (current != null) {
                    sections.put(current, body.toString().strip());
                }
                current = line.substring(MARK.length()).strip();
                body.setLength(0);
            } else if (current != null) {
                body.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.put(current, body.toString().strip());
        }
        if (sections.containsKey("missing") || !sections.containsKey("dir")) {
            return Optional.empty();
        }

        Long pid = null;
        boolean alive = false;
        String[] pidLine = sections.getOrDefault("pid", "").split("\\s+");
        if (pidLine.length == 2) {
            try {
                pid = Long.parseLong(pidLine[0]);
                alive = "alive".equals(pidLine[1]);
            } catch (NumberFormatException e) {
                pid = null;
            }
        }

        Long age = null;
        Integer interval = null;
        Long now = null;
        long[] mark = null;
        for (String line : sections.getOrDefault("activity", "").split("\n")) {
            String[] f = line.strip().split("\\s+");
            try {
                if (f.length == 2 && "now".equals(f[0])) {
                    now = Long.parseLong(f[1]);
                } else if (f.length == 2) {
                    mark = new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
                }
            } catch (NumberFormatException e) {
                // an unreadable marker counts as none
            }
        }
        if (mark != null && now != null) {
            age = Math.max(0, now - mark[0]);
            interval = (int) mark[1];
        }

        String gpuText = sections.getOrDefault("gpu", "");
        Optional<GpuReading> gpu = "unavailable".equals(gpuText) ? Optional.empty() : GpuReading.parse(gpuText);
        List<GpuProcess> holders = new ArrayList<>();
        String apps = sections.getOrDefault("gpu-apps", "");
        if (!"unavailable".equals(apps)) {
            for (String line : apps.split("\n")) {
                String[] f = line.split(",");
                if (f.length >= 2) {
                    try {
                        // Without the owner column nothing is known: the process is not taken for the task's.
                        boolean ofTask = f.length >= 3 && "task".equals(f[2].strip());
                        holders.add(new GpuProcess(Long.parseLong(f[0].strip()), Long.parseLong(f[1].strip()), ofTask));
                    } catch (NumberFormatException e) {
                        // "[N/A]" and the like: not a reading
                    }
                }
            }
        }
        return Optional.of(new TaskReport(id, sections.get("dir"), TaskStatus.parse(sections.get("status")), pid, alive,
                "yes".equals(sections.get("cancel")), age, interval, gpu, List.copyOf(holders), tail(log, maxLogChars, logBytes)));
    }

    /**
     * The log's newest {@code maxChars} at most. Where it was cut (here, or on the member that read
     * only its last {@code logBytes}), it starts after the first line break, carriage returns
     * included (a progress bar redraws its line with them): no cut line start, which could be the
     * end of a secret, is shown. A single cut line without any break starts after its cut word.
     */
    static String tail(String log, int maxChars, int logBytes) {
        // Undecodable bytes came back as U+FFFD (3 bytes): counted so, a log is at worst taken for cut.
        boolean cut = log.getBytes(StandardCharsets.UTF_8).length >= logBytes;
        if (log.length() > maxChars) {
            log = log.substring(log.length() - maxChars);
            cut = true;
        }
        return cut ? log.substring(CutText.cleanStart(log, log.length())) : log;
    }
}
