package dev.fleet.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One look at a member's GPUs, as a line of {@code ~/.fleet/gpu-samples}:
 * {@code <epoch seconds> <busiest GPU's utilization %|-> <pid:MiB,pid:MiB,…|-> [<holders' CPU %|->]}.
 * Fleet and the on-instance guard both append such lines, so either can judge from the same
 * history. Lines of older versions have no fourth field.
 *
 * @param epochSec            the member's clock when the sample was taken
 * @param utilizationPercent  the busiest GPU's (one of eight at full load is work); null when nvidia-smi gave no number
 * @param processes           compute processes holding GPU memory
 * @param holdersCpu          when memory was held at 0 %: the share of one CPU core (%) the holders and their descendants
 *                            used over about a second ({@code fleet_holders_cpu}); null when not measured or not telling
 */
public record GpuSample(long epochSec, Integer utilizationPercent, List<GpuProcess> processes, Integer holdersCpu) {

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
        if (f.length != 3 && f.length != 4) {
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
            Integer cpu = f.length < 4 || f[3].equals("-") ? null : Integer.valueOf(f[3]);
            if (cpu != null && cpu < 0) {
                return Optional.empty();
            }
            return Optional.of(new GpuSample(at, util, procs, cpu));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
