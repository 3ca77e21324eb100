package dev.fleet.member;

import dev.fleet.base.Quoted;
import dev.fleet.base.InvalidRequest;
import java.nio.file.InvalidPathException;
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

    /**
     * A path a user gave for this machine, {@code ~} expanded, refused (naming {@code parameter})
     * unless it is absolute here. A form that is absolute only on another OS ({@code C:\x} on
     * Linux, {@code /x} on Windows) would otherwise be taken relative to the server's working
     * folder, wherever that is, and files would be written there.
     */
    public Path absolute(String path, String parameter) {
        Path p;
        try {
            p = Path.of(expand(path));
        } catch (InvalidPathException e) {
            throw new InvalidRequest(parameter, "is not a valid path on this machine: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw new InvalidRequest(parameter, "must be an absolute path on this machine (" + this.home.getRoot()
                    + "... or ~/...), got " + Quoted.value(path));
        }
        return p;
    }

    /** Canonical form of a local folder for duplicate checks: absolute here, normalised, no trailing slash. */
    public String normalise(String path, String parameter) {
        return absolute(path, parameter).normalize().toString();
    }
}
