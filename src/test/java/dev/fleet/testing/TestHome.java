package dev.fleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A throwaway user home and data directory for one test: the server under test sees only these,
 * so nothing touches the real home, and the user's own profile (which may be slow) is not run.
 */
public final class TestHome {
    private final Path home;
    private final Path dataDir;

    public TestHome(Path root) throws IOException {
        this.home = Files.createDirectories(root.resolve("home"));
        this.dataDir = root.resolve("data");
    }

    public Path home() {
        return home;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Environment for a fleet server: its own HOME and data dir, plus variables a parent agent would leak. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("USER", System.getProperty("user.name"));
        env.put("SHELL", "/bin/bash");
        env.put("PATH", System.getenv("PATH"));
        env.put("APRA_FLEET_DATA_DIR", dataDir.toString());
        env.put("CLAUDECODE", "1");
        env.put("FLEET_LEAK_CHECK", "parent-only");
        return env;
    }

    /**
     * Installs a fake agent CLI at ~/.local/bin/claude (where the real installer puts it, and
     * where non-interactive shells do not look by default) that answers --version.
     */
    public Path installFakeAgentCli(String version) throws IOException {
        Path bin = Files.createDirectories(home.resolve(".local/bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo '" + version + " (Claude Code)'; exit 0; fi\n"
                + "echo 'fake claude: unsupported arguments' >&2; exit 2\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
        return claude;
    }
}
