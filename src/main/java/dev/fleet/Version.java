package dev.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The product version, written into the build by Maven resource filtering. */
public final class Version {
    private static final String VALUE = load();

    private Version() {
    }

    public static String get() {
        return VALUE;
    }

    private static String load() {
        // A jar's manifest (already read when its first class was loaded) carries it for free; a
        // resource read costs a JVM that has just started a few milliseconds. Classes folders have no manifest.
        String fromManifest = Version.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
