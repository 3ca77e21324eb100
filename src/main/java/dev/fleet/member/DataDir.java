package dev.fleet.member;

import dev.fleet.base.IoReasons;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Where fleet keeps its state (the folder comes from the settings: {@code $APRA_FLEET_DATA_DIR}, else {@code ~/.apra-fleet/data}). */
public record DataDir(Path root) {

    /**
     * Creates the folder (0700) if needed; every later file lands inside a private folder. A folder
     * already there must be the user's own and writable by nobody else: fleet trusts its files.
     *
     * @throws Unusable when it cannot be made or used, saying why in the OS's words
     */
    public DataDir ensureExists() {
        try {
            SecureFiles.createTrustedDirectories(root);
            return this;
        } catch (IOException e) {
            throw unusable("create or use", e);
        }
    }

    /**
     * For commands that only look (the daemon's status, stop and restart): the folder, if it is
     * there, must be the user's own and writable by nobody else, as {@link #ensureExists} asks.
     *
     * @throws Unusable when it is not, saying why
     */
    public DataDir requireTrusted() {
        try {
            SecureFiles.requireUnshared(root);
            return this;
        } catch (IOException e) {
            throw unusable("use", e);
        }
    }

    private Unusable unusable(String what, IOException e) {
        return new Unusable("cannot " + what + " the data directory " + root + ": " + IoReasons.of(e)
                + " (set APRA_FLEET_DATA_DIR to a folder of yours)", e);
    }

    /** The data directory cannot be made or used: fleet can do nothing, and says why in one line. */
    public static final class Unusable extends UncheckedIOException {
        public Unusable(String message, IOException cause) {
            super(message, cause);
        }
    }

    public Path registryFile() {
        return root.resolve("registry.json");
    }

    public Path lockFile() {
        return root.resolve("registry.lock");
    }

    public Path saltFile() {
        return root.resolve("salt");
    }

    public Path keysDir() {
        return root.resolve("keys");
    }

    public Path knownHostsFile() {
        return root.resolve("known_hosts");
    }

    /** Users' corrections to the built-in hourly rates of instance types. */
    public Path pricingFile() {
        return root.resolve("pricing.json");
    }

    /** Full output of commands whose stdout/stderr exceeded the inline cap. */
    public Path outputDir() {
        return root.resolve("output");
    }

    /** What {@code fleet install} changed in Claude Code's files, so {@code fleet uninstall} can take it back. */
    public Path installsDir() {
        return root.resolve("installs");
    }
}
