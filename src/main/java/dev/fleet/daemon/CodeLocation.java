package dev.fleet.daemon;

import java.io.File;
import java.net.URISyntaxException;

/**
 * Where this process's fleet code lives. The launcher runs {@code fleet serve} from
 * {@code fleet-relay.jar}, a jar holding only the relay, beside {@code fleet.jar} with the whole
 * server: the relay then starts without opening the server's fifty-odd library jars (the JDK
 * scans every class-path jar for service files when the first Unix socket opens). Everything that
 * names "this build" or starts the server means {@code fleet.jar} either way.
 */
final class CodeLocation {
    static final String RELAY_JAR = "fleet-relay.jar";
    static final String SERVER_JAR = "fleet.jar";

    private CodeLocation() {
    }

    /** The jar with the whole server, or null when fleet runs from a classes folder (a development run). */
    static File serverJar() {
        try {
            File code = new File(CodeLocation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!code.isFile()) {
                return null;
            }
            return code.getName().equals(RELAY_JAR) ? new File(code.getParentFile(), SERVER_JAR) : code;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
