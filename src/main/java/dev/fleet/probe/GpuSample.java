package dev.fleet.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One look at a member's GPUs, as a line of {@code ~/.fleet/gpu-samples}:
 * {@code <epoch seconds> <busiest GPU's utilization %|-> <pid:MiB,pid:MiB,…|->}. Fleet and the
 * on-instance guard both append such lines, so either can judge from the same history.
 *
 * @param epochSec            the member's clock when the sample was taken
 * @param utilizationPercent  the busiest GPU's (one of eight at full load is work); null when nvidia-smi gave no number
 * @param processes           compute processes holding GPU memory
 */
public record GpuSample(long epochSec, Integer utilizationPercent, List<GpuProcess> processes) {

    /** A process holding GPU memory. */
    public record GpuProcess(long pid, long usedMemoryMiB) {
    }

    public GpuSample {
        processes = List.copyOf(processes);
    }

    public boolean hasProcesses() {
        return !processes.isEmpty();
    }

    /** Parses one history line; empty for anything malformed (a half-written line, a hand edit). */
    public static Optional<GpuSample> parse(String line) {
        String[] f = line.strip().split("\\s+");
        if (f.length != 3) {
            return Optional.empty();
        }
        try {
            long at = Long.parseLong(f[0]);
            Integer util = f[1].equals("-") ? null : Integer.valueOf(f[1]);
            List<GpuProcess> procs = new ArrayList<>();
            if (!f[2].equals("-")) {
                for (String p : f[2].split(",")) {
                    String[] pm = p.split(":");
                    if (pm.length != 2) {
                        return Optional.empty();
                    }
                    procs.add(new GpuProcess(Long.parseLong(pm[0]), Long.parseLong(pm[1])));
                }
            }
            return Optional.of(new GpuSample(at, util, procs));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
