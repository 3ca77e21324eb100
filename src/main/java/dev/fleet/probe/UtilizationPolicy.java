package dev.fleet.probe;

import dev.fleet.os.GpuHoldersCpu;
import java.time.Duration;
import java.util.List;

/**
 * Decides whether GPU compute processes are doing work, from the recent sample history.
 *
 * <ul>
 *   <li>Processes held GPU memory at 0 % in every sample of a stretch longer than the idle
 *       timeout: "holding the GPU idle" (a dead DataLoader worker, a forgotten notebook kernel).
 *       Such a stretch counts only when its samples are close together ({@code maxGap}): a long
 *       gap could hide work, and doubt must never stop a machine. Nor when the holders (with their
 *       descendants) used the CPU in any reading of the last {@link GpuHoldersCpu#WINDOW}
 *       ({@link GpuHoldersCpu#WORK_PERCENT} of a core or more: a job in a CPU phase, such as
 *       evaluation or writing a checkpoint); and fewer than {@link GpuHoldersCpu#READINGS} readings there,
 *       or one that could not tell, is doubt (unknown), never idle.</li>
 *   <li>Otherwise the GPU is busy when any sample of the last {@link #BUSY_WINDOW} (on the
 *       member's clock) shows work: a compute process at threshold 0 (the default); the busiest
 *       GPU at or above a threshold above 0; or, with no process listed, the busiest GPU above
 *       0 % and at or above the threshold (work nvidia-smi cannot show the processes of).</li>
 * </ul>
 * A span of time, not a count of samples: every report that looks at the GPU adds a sample, so a
 * count would let a dashboard polling through a few seconds' pause (data loading, a checkpoint)
 * push a job's working minutes out of the judgement, and a single reading that lands on such a
 * pause must not outweigh the minutes before it either. The same rules run in bash in the
 * on-instance guard.
 */
public record UtilizationPolicy(int busyMinUtil, Duration idleTimeout, Duration maxGap) {
    public static final Duration DEFAULT_MAX_GAP = Duration.ofMinutes(10);
    /**
     * How far back a sample showing work keeps the GPU busy: longer than any pause a working job
     * takes (a data-loading stall, a checkpoint, an evaluation pass), and short enough that a
     * finished job's instance is stopped soon after its idle timeout.
     */
    public static final Duration BUSY_WINDOW = Duration.ofMinutes(10);

    public UtilizationPolicy {
        if (busyMinUtil < 0 || busyMinUtil > 100) {
            throw new IllegalArgumentException("threshold must be 0-100");
        }
    }

    /** @param history samples oldest first, the newest being the current look; {@code nowEpochSec} on the member's clock */
    public GpuVerdict judge(List<GpuSample> history, long nowEpochSec) {
        if (history.isEmpty()) {
            return new GpuVerdict.NoProcesses();
        }
        GpuSample latest = history.get(history.size() - 1);
        if (latest.hasProcesses()) {
            GpuVerdict held = heldIdle(history, latest, nowEpochSec);
            if (held != null) {
                return held;
            }
        }
        long since = nowEpochSec - BUSY_WINDOW.toSeconds();
        int peak = -1;
        for (int i = history.size() - 1; i >= 0 && (i == history.size() - 1 || history.get(i).epochSec() >= since); i--) {
            GpuSample s = history.get(i);
            if (showsWork(s)) {
                return new GpuVerdict.Busy(what(s) + ago(s, nowEpochSec));
            }
            if (s.utilizationPercent() != null) {
                peak = Math.max(peak, s.utilizationPercent());
            }
        }
        if (!latest.hasProcesses()) {
            return new GpuVerdict.NoProcesses();
        }
        return new GpuVerdict.BelowThreshold(processes(latest) + " but the GPU at " + peak + " % at most in the last "
                + BUSY_WINDOW.toMinutes() + " min, below the threshold of " + busyMinUtil + " %");
    }

    /** Whether one sample shows work by the threshold; an unreadable utilization with processes listed is doubt, so work. */
    private boolean showsWork(GpuSample s) {
        Integer u = s.utilizationPercent();
        if (s.hasProcesses() && (busyMinUtil == 0 || u == null)) {
            return true;
        }
        // A GPU at rest shows 0 %, so with no process listed only use above 0 % is work.
        return u != null && u > 0 && u >= busyMinUtil;
    }

    private String what(GpuSample s) {
        Integer u = s.utilizationPercent();
        if (!s.hasProcesses()) {
            return "GPU at " + u + " % with no compute process visible (another container's or user's)";
        }
        if (busyMinUtil == 0) {
            return processes(s);
        }
        return u == null ? processes(s) + " (utilization unreadable)"
                : processes(s) + ", GPU at " + u + " % (threshold " + busyMinUtil + " %)";
    }

    /** When an earlier sample showed the work, how long ago: the reason must not pass it off as the GPU now. */
    private static String ago(GpuSample s, long nowEpochSec) {
        long seconds = nowEpochSec - s.epochSec();
        if (seconds <= 0) {
            return "";
        }
        return " " + (seconds < 60 ? seconds + " s" : seconds / 60 + " min") + " ago (work in the last "
                + BUSY_WINDOW.toMinutes() + " min counts)";
    }

    private static String processes(GpuSample s) {
        int n = s.processes().size();
        return n + " GPU compute process" + (n == 1 ? "" : "es");
    }

    /** Memory held at 0 % past the idle timeout: idle, or busy or unknown by the holders' CPU use; null when not so held. */
    private GpuVerdict heldIdle(List<GpuSample> history, GpuSample latest, long nowEpochSec) {
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
        return null;
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
