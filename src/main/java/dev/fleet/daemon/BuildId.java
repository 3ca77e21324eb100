package dev.fleet.daemon;

import dev.fleet.Version;
import java.io.File;
import java.net.URISyntaxException;

/**
 * Which build of fleet this process runs: the version plus the jar's modification time, so a
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
        String stamp = "dev";
        try {
            File code = new File(BuildId.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (code.isFile()) {
                stamp = Long.toHexString(code.lastModified());
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source to read: a development build
        }
        return Version.get().replace(' ', '_') + "+" + stamp;
    }
}
