package dev.fleet.os;

import dev.fleet.base.BundledText;
import java.time.Duration;

/**
 * The shell function that tells whether processes holding GPU memory at 0 % work on the CPU
 * meanwhile ({@code fleet_holders_cpu}, POSIX sh, Linux {@code /proc}), and the rule its readings
 * are judged by: one text and one set of numbers, used by fleet's own GPU look and by the
 * on-instance guard, so both judge alike. Each GPU sample that finds memory held at 0 % records
 * one reading (the fourth field of a {@code gpu-samples} line).
 */
public final class GpuHoldersCpu {
    /**
     * The share of one core (%) over a second at and above which the holders and their descendants are at work:
     * a job's CPU phase uses most of a core, an idle notebook kernel or a dead worker next to none.
     */
    public static final int WORK_PERCENT = 10;
    /** How far back the holders' readings (one per GPU sample) are looked at: a job's CPU use comes in bursts too. */
    public static final Duration WINDOW = Duration.ofMinutes(10);
    /** Readings needed in that window before holders count as idle: one second is no proof. */
    public static final int READINGS = 3;
    /** Defines {@code fleet_holders_cpu} and its helpers; prints a percentage, or {@code -} when that cannot be told. */
    public static final String FUNCTION = BundledText.of(GpuHoldersCpu.class, "gpu-holders-cpu.sh");

    private GpuHoldersCpu() {
    }
}
