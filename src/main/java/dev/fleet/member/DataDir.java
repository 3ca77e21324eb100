package dev.fleet.member;

import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Where fleet keeps its state: {@code $APRA_FLEET_DATA_DIR}, else {@code ~/.apra-fleet/data}. */
public record DataDir(Path root) {
    public static final String ENV = "APRA_FLEET_DATA_DIR";

    public static DataDir fromEnvironment(Map<String, String> env) {
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            return new DataDir(Path.of(configured).toAbsolutePath().normalize());
        }
        return new DataDir(Path.of(System.getProperty("user.home"), ".apra-fleet", "data"));
    }

    /** Creates the folder (0700) if needed; every later file lands inside a private folder. */
    public DataDir ensureExists() {
        try {
            SecureFiles.createPrivateDirectories(root);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root, e);
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

    /** Full output of commands whose stdout/stderr exceeded the inline cap. */
    public Path outputDir() {
        return root.resolve("output");
    }
}
