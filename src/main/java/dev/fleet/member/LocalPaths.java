package dev.fleet.member;

import java.nio.file.Path;

/**
 * Paths on the PM's own machine as users write them: {@code ~} means the PM's home (from the
 * settings, never looked up elsewhere). Remote members' {@code ~} is theirs and is expanded on
 * the member instead.
 */
public final class LocalPaths {
    private final Path home;

    public LocalPaths(Path home) {
        this.home = home;
    }

    public Path home() {
        return home;
    }

    /** Expands a leading {@code ~} to the PM's home; other paths are returned as written. */
    public String expand(String path) {
        if (path.equals("~")) {
            return home.toString();
        }
        if (path.startsWith("~/")) {
            return home + path.substring(1);
        }
        return path;
    }

    /** Canonical form of a local folder for duplicate checks: absolute, normalised, no trailing slash. */
    public String normalise(String path) {
        return Path.of(expand(path)).toAbsolutePath().normalize().toString();
    }
}
