package dev.fleet.importer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host and user names the original product fed into its key, as Node's os module reports them. */
public final class OriginalMachine {
    private OriginalMachine() {
    }

    /** The kernel's host name (what Node's os.hostname() returns), without asking DNS where that can be avoided. */
    public static String hostName() {
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(kernel)) {
                return Files.readString(kernel, StandardCharsets.UTF_8).strip();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "localhost" : env;
        }
    }

    public static String userName() {
        return System.getProperty("user.name", "");
    }
}
