package dev.fleet.probe;

import java.time.Duration;
import java.util.List;

/** What the utilization policy concluded about a member's GPUs. Only {@link Busy} counts as work. */
public sealed interface GpuVerdict {
    String reason();

    /** No compute process holds GPU memory. */
    record NoProcesses() implements GpuVerdict {
        @Override
        public String reason() {
            return "no GPU compute process";
        }
    }

    record Busy(String reason) implements GpuVerdict {
    }

    /** Whether the GPU's holders work cannot be told: the machine is kept, and the doubt shown once it lasts. */
    record Unknown(String reason) implements GpuVerdict {
    }

    /** Compute processes run, but the GPU's recent utilization is below the member's threshold. */
    record BelowThreshold(String reason) implements GpuVerdict {
    }

    /** Processes hold GPU memory at 0 % utilization for longer than the idle timeout: they keep nothing up. */
    record HoldingIdle(List<GpuSample.GpuProcess> processes, Duration heldFor) implements GpuVerdict {
        public long memoryMiB() {
            return processes.stream().mapToLong(GpuSample.GpuProcess::usedMemoryMiB).sum();
        }

        @Override
        public String reason() {
            return "holding the GPU idle: pid " + String.join(", ", processes.stream().map(p -> String.valueOf(p.pid())).toList())
                    + " hold" + (processes.size() == 1 ? "s " : " ") + memoryMiB() + " MiB of GPU memory at 0 % utilization for "
                    + heldFor.toMinutes() + " min; this does not keep the instance up";
        }
    }
}
