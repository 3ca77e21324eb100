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
        env.put("FLEET_OVERLOADED_RETRY_MS", "50");
        // A daemon a test leaves behind (through the relay) goes away on its own soon.
        env.put("FLEET_DAEMON_IDLE_EXIT", "20s");
        return env;
    }

    /**
     * Installs the fake agent CLI (src/test/resources/fake/claude) at ~/.local/bin/claude, where
     * the real installer puts it and where non-interactive shells do not look by default.
     */
    public Path installFakeAgentCli(String version) throws IOException {
        return installFakeAgentCli(home, version);
    }

    /** The same, into any home folder (for example a remote test member's). */
    public static Path installFakeAgentCli(Path home, String version) throws IOException {
        return installFakeCli(home, "claude", version + " (Claude Code)");
    }

    /**
     * Installs one of the fake agent CLIs of src/test/resources/fake (claude, codex, opencode,
     * copilot, agy) into ~/.local/bin of {@code home}, with the version line it prints.
     */
    public static Path installFakeCli(Path home, String name, String versionLine) throws IOException {
        Path bin = Files.createDirectories(home.resolve(".local/bin"));
        for (String file : new String[] {name, "fake-cli-common.sh"}) {
            Path target = bin.resolve(file);
            try (var in = TestHome.class.getResourceAsStream("/fake/" + file)) {
                Files.write(target, in.readAllBytes());
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path state = Files.createDirectories(home.resolve(".fake-" + name));
        Files.writeString(state.resolve("version"), versionLine + "\n");
        return bin.resolve(name);
    }

    /** Chooses how the fake agent CLI behaves next (see the script's header). */
    public void fakeAgentMode(String mode) throws IOException {
        Files.writeString(Files.createDirectories(home.resolve(".fake-claude")).resolve("mode"), mode + "\n");
    }

    public Path fakeAgentState() {
        return home.resolve(".fake-claude");
    }
}
