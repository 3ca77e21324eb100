package dev.fleet.agentcli;

/**
 * Where a CLI reads per-project permissions, for compose_permissions to write: a path relative to
 * the work folder, its format, and the shape of what grants tools.
 */
public record PermissionFile(String path, String format, String shape) {
}
