package dev.fleet.daemon;

import dev.fleet.Version;
import java.io.File;

/**
 * Which build of fleet this process runs: the version plus {@code fleet.jar}'s modification time
 * (also in the relay, which runs from the small jar beside it), so a
 * rebuilt or upgraded fleet does not talk to a daemon still running the old code.
 */
public final class BuildId {
    private static final String CURRENT = compute();

    private BuildId() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String compute() {
        // A development run from a classes folder has no jar to date.
        File server = CodeLocation.serverJar();
        String stamp = server == null ? "dev" : Long.toHexString(server.lastModified());
        return Version.get().replace(' ', '_') + "+" + stamp;
    }
}
