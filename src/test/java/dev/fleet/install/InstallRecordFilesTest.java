package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet install's record in the data dir: made in owner-only folders, never read or written through a link. */
class InstallRecordFilesTest {
    @TempDir
    Path tmp;

    private ClaudeCodeWiring wiring(Path home, Path installs) {
        return new ClaudeCodeWiring(ClaudeCodeLayout.of(InstallScope.USER, home, tmp),
                new FleetLaunch(List.of("/opt/fleet/bin/fleet")), "apra-fleet", Optional.empty(), installs, Clock.systemUTC());
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLinkInPlaceOfTheRecordIsRefusedNamingItAndWhatItLeadsToIsLeftAlone() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path profile = Files.writeString(home.resolve(".bashrc"), "export MINE=1\n");
        Files.setPosixFilePermissions(profile, PosixFilePermissions.fromString("rw-r--r--"));
        Path installs = Files.createDirectories(tmp.resolve("data/installs"));
        Path record = Files.createSymbolicLink(installs.resolve("claude-code-user.json"), profile);

        for (boolean dryRun : List.of(true, false)) {
            assertThatThrownBy(() -> wiring(home, installs).install(dryRun)).isInstanceOf(IOException.class)
                    .hasMessageContaining(record + " is a symbolic link");
        }
        assertThatThrownBy(() -> wiring(home, installs).uninstall(false)).isInstanceOf(IOException.class)
                .hasMessageContaining(record + " is a symbolic link");
        assertThat(profile).content().isEqualTo("export MINE=1\n");
        assertThat(mode(profile)).isEqualTo("rw-r--r--");
        assertThat(home.resolve(".claude/settings.json")).doesNotExist();
        assertThat(Files.isSymbolicLink(record)).isTrue();
    }

    @Test
    void theFirstInstallMakesEveryFolderOnTheWayToItsRecordOwnerOnly() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path installs = home.resolve(".apra-fleet/data/installs");

        wiring(home, installs).install(false);

        assertThat(installs.resolve("claude-code-user.json")).isRegularFile();
        assertThat(mode(installs.resolve("claude-code-user.json"))).isEqualTo("rw-------");
        assertThat(mode(installs)).isEqualTo("rwx------");
        assertThat(mode(home.resolve(".apra-fleet/data"))).isEqualTo("rwx------");
        assertThat(mode(home.resolve(".apra-fleet"))).isEqualTo("rwx------");
        assertThat(mode(home)).as("a folder that was there is left as it was").isEqualTo("rwxr-xr-x");
    }
}
