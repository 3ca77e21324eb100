package dev.fleet.guard;

import java.util.Map;

/**
 * Server settings of the on-instance guard.
 *
 * @param enabled       {@code FLEET_GUARD} is not {@code off}
 * @param allowLoopback {@code FLEET_GUARD_ALLOW_LOOPBACK=1}: install on members reached at a loopback
 *                      address too. Only tests want that: a loopback member is this very machine,
 *                      and fleet never installs a power-off guard on the machine it runs on
 * @param graceMin      minutes the guard waits beyond the idle timeout ({@code FLEET_GUARD_GRACE_MIN})
 * @param gpuSamples    samples the GPU threshold is averaged over ({@code FLEET_GPU_SAMPLES})
 */
public record GuardSettings(boolean enabled, boolean allowLoopback, int graceMin, int gpuSamples) {
    public static final int DEFAULT_GRACE_MIN = 10;

    public static GuardSettings fromEnvironment(Map<String, String> env) {
        return new GuardSettings(!"off".equalsIgnoreCase(env.getOrDefault("FLEET_GUARD", "on").strip()),
                "1".equals(env.getOrDefault("FLEET_GUARD_ALLOW_LOOPBACK", "").strip()),
                number(env, "FLEET_GUARD_GRACE_MIN", DEFAULT_GRACE_MIN, 0, 1440),
                number(env, "FLEET_GPU_SAMPLES", dev.fleet.gpu.UtilizationPolicy.DEFAULT_SAMPLES, 1, 60));
    }

    private static int number(Map<String, String> env, String name, int fallback, int min, int max) {
        try {
            int v = Integer.parseInt(env.getOrDefault(name, String.valueOf(fallback)).strip());
            return v < min || v > max ? fallback : v;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
