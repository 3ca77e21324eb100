package dev.fleet.os;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The shell function that tells whether processes holding GPU memory at 0 % work on the CPU
 * meanwhile ({@code fleet_holders_cpu}, POSIX sh, Linux {@code /proc}): one text, used by fleet's
 * own GPU look and by the on-instance guard, so both judge alike.
 */
public final class GpuHoldersCpu {
    /**
     * The share of one core (%) over a second at and above which the holders' sessions are at work:
     * a job's CPU phase uses most of a core, an idle notebook kernel or a dead worker next to none.
     */
    public static final int WORK_PERCENT = 10;
    /** Defines {@code fleet_holders_cpu} and its helper; prints a percentage, or {@code -} when no holder can be seen. */
    public static final String FUNCTION = load();

    private GpuHoldersCpu() {
    }

    private static String load() {
        try (InputStream in = GpuHoldersCpu.class.getResourceAsStream("gpu-holders-cpu.sh")) {
            if (in == null) {
                throw new IllegalStateException("gpu-holders-cpu.sh is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
