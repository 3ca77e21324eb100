package dev.fleet.guard;

/**
 * Server settings of the on-instance guard (read by {@code Settings}).
 *
 * @param enabled       {@code FLEET_GUARD} is not {@code off}
 * @param allowLoopback {@code FLEET_GUARD_ALLOW_LOOPBACK=1}: install on members reached at a loopback
 *                      address too. Only tests want that: a loopback member is this very machine,
 *                      and fleet never installs a power-off guard on the machine it runs on
 * @param graceMin      minutes the guard waits beyond the idle timeout ({@code FLEET_GUARD_GRACE_MIN})
 */
public record GuardSettings(boolean enabled, boolean allowLoopback, int graceMin) {
}
