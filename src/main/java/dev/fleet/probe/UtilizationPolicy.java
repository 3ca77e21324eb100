package dev.fleet.probe;

import dev.fleet.os.GpuHoldersCpu;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether GPU compute processes are doing work, from the recent sample history.
 *
 * <ul>
 *   <li>No compute process: nothing to say, unless the busiest GPU is in use anyway (at or
 *       above the threshold, and above 0 %): work nvidia-smi cannot show the processes of.</li>
 *   <li>Processes held GPU memory at 0 % in every sample of a stretch longer than the idle
 *       timeout: "holding the GPU idle" (a dead DataLoader worker, a forgotten notebook kernel).
 *       Such a stretch counts only when its samples are close together ({@code maxGap}): a long
 *       gap could hide work, and doubt must never stop a machine. Nor when the holders (with their
 *       descendants) used the CPU in any reading of the last {@link GpuHoldersCpu#WINDOW}
 *       ({@link GpuHoldersCpu#WORK_PERCENT} of a core or more: a job in a CPU phase, such as
 *       evaluation or writing a checkpoint); and fewer than {@link GpuHoldersCpu#READINGS} readings there,
 *       or one that could not tell, is doubt (unknown), never idle.</li>
 *   <li>Threshold 0 (the default): any other compute process is work.</li>
 *   <li>Threshold above 0: work when the average utilization over the last {@code samples}
 *       samples is at or above it. An average, not a minimum: a job that pauses for data loading
 *       or a checkpoint for a minute is still working.</li>
 * </ul>
 * The same rules run in bash in the on-instance guard.
 */
public record UtilizationPolicy(int busyMinUtil, int samples, Duration idleTimeout, Duration maxGap) {
    public static final int DEFAULT_SAMPLES = 5;
    public static final Duration DEFAULT_MAX_GAP = Duration.ofMinutes(10);

    public UtilizationPolicy {
        if (busyMinUtil < 0 || busyMinUtil > 100 || samples < 1) {
            throw new IllegalArgumentException("threshold must be 0-100 and samples at least 1");
        }
    }

    /** @param history samples oldest first, the newest being the current look; {@code nowEpochSec} on the member's clock */
    public GpuVerdict judge(List<GpuSample> history, long nowEpochSec) {
        if (history.isEmpty()) {
            return new GpuVerdict.NoProcesses();
        }
        GpuSample latest = history.get(history.size() - 1);
        if (!latest.hasProcesses()) {
            Integer u = latest.utilizationPercent();
            // Work whose processes nvidia-smi cannot show (another container or PID namespace, some
            // virtual GPUs) still keeps the GPU busy; a GPU at rest shows 0 %.
            return u != null && u > 0 && u >= busyMinUtil
                    ? new GpuVerdict.Busy("GPU at " + u + " % with no compute process visible (another container's or user's)")
                    : new GpuVerdict.NoProcesses();
        }
        long heldSince = latest.epochSec();
        long newer = latest.epochSec();
        for (int i = history.size() - 1; i >= 0; i--) {
            GpuSample s = history.get(i);
            boolean idleHold = s.hasProcesses() && s.utilizationPercent() != null && s.utilizationPercent() == 0;
            if (!idleHold || newer - s.epochSec() > maxGap.toSeconds()) {
                break;
            }
            heldSince = s.epochSec();
            newer = s.epochSec();
        }
        boolean latestIdle = latest.utilizationPercent() != null && latest.utilizationPercent() == 0;
        Duration held = Duration.ofSeconds(Math.max(0, nowEpochSec - heldSince));
        if (latestIdle && nowEpochSec - latest.epochSec() <= maxGap.toSeconds() && held.compareTo(idleTimeout) > 0) {
            GpuVerdict cpu = holdersOnTheCpu(history, nowEpochSec, "GPU memory held at 0 % for " + held.toMinutes() + " min");
            return cpu != null ? cpu : new GpuVerdict.HoldingIdle(latest.processes(), held);
        }
        int n = latest.processes().size();
        String processes = n + " GPU compute process" + (n == 1 ? "" : "es");
        if (busyMinUtil == 0) {
            return new GpuVerdict.Busy(processes);
        }
        List<GpuSample> recent = history.subList(Math.max(0, history.size() - samples), history.size()).stream()
                .filter(s -> s.utilizationPercent() != null).toList();
        if (recent.isEmpty()) {
            return new GpuVerdict.Busy(processes + " (utilization unreadable)");
        }
        double average = recent.stream().mapToInt(GpuSample::utilizationPercent).average().orElse(0);
        String measured = String.format(Locale.ROOT, "GPU at %.0f %% on average over the last %d sample%s", average,
                recent.size(), recent.size() == 1 ? "" : "s");
        return average >= busyMinUtil
                ? new GpuVerdict.Busy(processes + ", " + measured + " (threshold " + busyMinUtil + " %)")
                : new GpuVerdict.BelowThreshold(processes + " but " + measured + ", below the threshold of " + busyMinUtil + " %");
    }

    /**
     * The holders' CPU readings of the last {@link GpuHoldersCpu#WINDOW} (all in the held stretch, at 0 %):
     * busy when any reached {@link GpuHoldersCpu#WORK_PERCENT}; unknown when one could not tell or
     * there are too few; null when they show the holders idle.
     */
    private static GpuVerdict holdersOnTheCpu(List<GpuSample> history, long nowEpochSec, String held) {
        int readings = 0;
        int most = 0;
        boolean doubt = false;
        long since = nowEpochSec - GpuHoldersCpu.WINDOW.toSeconds();
        for (int i = history.size() - 1; i >= 0 && history.get(i).epochSec() >= since; i--) {
            Integer cpu = history.get(i).holdersCpu();
            if (cpu == null) {
                doubt = true;
            } else {
                readings++;
                most = Math.max(most, cpu);
            }
        }
        if (most >= GpuHoldersCpu.WORK_PERCENT) {
            return new GpuVerdict.Busy(held + " while its processes used up to " + most + " % of a CPU core in the last "
                    + GpuHoldersCpu.WINDOW.toMinutes() + " min (a CPU phase of a job)");
        }
        if (doubt) {
            return new GpuVerdict.Unknown(held + ", and whether its processes work on the CPU cannot be told (they cannot "
                    + "be seen, or a reading is missing)");
        }
        if (readings < GpuHoldersCpu.READINGS) {
            return new GpuVerdict.Unknown(held + ", with only " + readings + " CPU reading" + (readings == 1 ? "" : "s")
                    + " of its processes in the last " + GpuHoldersCpu.WINDOW.toMinutes() + " min");
        }
        return null;
    }
}
