package dev.fleet.probe;


import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one GPU sample ({@code OsCommands.gpuSample}) saw on a member, with the recent history.
 *
 * @param tool        whether nvidia-smi is there and answered
 * @param nowEpochSec the member's clock
 * @param reading     utilization and memory now (when the tool answered)
 * @param history     recent samples, oldest first, this look's own sample last
 * @param problem     what went wrong when the tool failed; null otherwise
 */
public record GpuLook(Tool tool, long nowEpochSec, Optional<GpuReading> reading, List<GpuSample> history, String problem) {

    public enum Tool {
        /** No nvidia-smi on the member: no GPU to judge. */
        ABSENT,
        /** nvidia-smi failed; nothing can be concluded. */
        FAILED,
        ANSWERED
    }

    static final String MARK = "@@gpu:";

    /** Parses the output of {@code OsCommands.gpuSample}. */
    static GpuLook parse(String output) {
        String section = "";
        long now = 0;
        StringBuilder reading = new StringBuilder();
        List<GpuSample> history = new ArrayList<>();
        GpuSample current = null;
        for (String line : output.split("\n")) {
            if (line.startsWith(MARK)) {
                section = line.substring(MARK.length()).strip();
                if (section.equals("none")) {
                    return new GpuLook(Tool.ABSENT, 0, Optional.empty(), List.of(), null);
                }
                if (section.startsWith("failed")) {
                    return failed("nvidia-smi failed (exit " + section.substring("failed".length()).strip() + ")");
                }
                continue;
            }
            switch (section) {
                case "now" -> {
                    try {
                        now = Long.parseLong(line.strip());
                    } catch (NumberFormatException e) {
                        return failed("the GPU sample could not be read");
                    }
                }
                case "sample" -> current = GpuSample.parse(line).orElse(current);
                case "reading" -> reading.append(line).append('\n');
                case "history" -> GpuSample.parse(line).ifPresent(history::add);
                default -> { }
            }
        }
        if (now == 0 || current == null) {
            return failed("the GPU sample could not be read");
        }
        // The history file may be unwritable; the current look always ends the history judged.
        if (history.isEmpty() || !history.get(history.size() - 1).equals(current)) {
            history.add(current);
        }
        return new GpuLook(Tool.ANSWERED, now, GpuReading.parse(reading.toString()), List.copyOf(history), null);
    }

    static GpuLook failed(String problem) {
        return new GpuLook(Tool.FAILED, 0, Optional.empty(), List.of(), problem);
    }
}
