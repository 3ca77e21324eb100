package dev.fleet.probe;

import java.util.List;
import java.util.Optional;

/** GPU use read from {@code nvidia-smi} CSV: average utilization and memory over all GPUs. */
public record GpuReading(int gpus, int utilizationPercent, long memoryUsedMiB, long memoryTotalMiB) {

    /** Parses lines of {@code util, used, total}; empty when nothing parses (no GPU, tool missing). */
    public static Optional<GpuReading> parse(String csv) {
        List<long[]> rows = csv.lines().map(String::strip).filter(l -> !l.isEmpty()).map(GpuReading::row)
                .filter(r -> r != null).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        long util = 0;
        long used = 0;
        long total = 0;
        for (long[] r : rows) {
            util += r[0];
            used += r[1];
            total += r[2];
        }
        return Optional.of(new GpuReading(rows.size(), (int) (util / rows.size()), used, total));
    }

    private static long[] row(String line) {
        String[] parts = line.split(",");
        if (parts.length < 3) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip()), Long.parseLong(parts[2].strip())};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
