package dev.fleet.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Fleet's Claude Code wiring with a {@code claude} on the PATH that accepts everything, for tests of the files it writes. */
final class QuietClaudeWiring {
    private QuietClaudeWiring() {
    }

    /** {@code tmp} holds the fake {@code claude} and the install records; the layout is {@code scope}'s for {@code home} and {@code project}. */
    static ClaudeCodeWiring of(Path tmp, InstallScope scope, Path home, Path project, Clock clock) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ClaudeCodeWiring(ClaudeCodeLayout.of(scope, home, project), new FleetLaunch(List.of("/opt/fleet/bin/fleet")),
                "apra-fleet", ClaudeCli.find(Map.of("PATH", bin.toString()), home), tmp.resolve("data/installs"), clock);
    }
}
