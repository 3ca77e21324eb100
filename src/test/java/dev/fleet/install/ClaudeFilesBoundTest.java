package dev.fleet.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.doctor.ClaudeWiringCheck;
import dev.fleet.doctor.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude Code's files are read only as regular files of a bounded size: a project's .mcp.json (which
 * may come with a cloned repository) or a settings.json linked to /dev/zero ended install's dry run
 * and fleet doctor in an OutOfMemoryError, and a FIFO made them wait for ever.
 */
@Timeout(60)
class ClaudeFilesBoundTest {
    @TempDir
    Path tmp;

    private ClaudeCodeWiring wiring(InstallScope scope, Path home, Path project) throws IOException {
        return QuietClaudeWiring.of(tmp, scope, home, project, Clock.systemUTC());
    }

    private static void mkfifo(Path p) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
    }

    @Test
    void aProjectMcpJsonLinkedToADeviceOrAPipeIsRefusedNamingTheFileAndTheRule() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path project = Files.createDirectories(tmp.resolve("cloned"));
        Path mcp = project.resolve(".mcp.json");
        Files.createSymbolicLink(mcp, Path.of("/dev/zero"));
        assertThatThrownBy(() -> wiring(InstallScope.PROJECT, home, project).install(true)).isInstanceOf(IOException.class)
                .hasMessage("cannot read " + mcp + ": it is not a regular file (a device or pipe, say); fleet reads only regular "
                        + "files here; fleet changes nothing in it");
        Files.delete(mcp);
        mkfifo(mcp);
        assertThatThrownBy(() -> wiring(InstallScope.PROJECT, home, project).install(true)).hasMessageContaining("not a regular file");
        Files.delete(mcp);
        // A large one is refused by size: 4 MiB is the most fleet reads of a project's .mcp.json.
        Files.write(mcp, new byte[JsonFiles.MAX_BYTES + 1]);
        assertThatThrownBy(() -> wiring(InstallScope.PROJECT, home, project).install(true))
                .hasMessage("cannot read " + mcp + ": it is larger than 4096 KiB, the most fleet reads from it; fleet changes nothing in it");
        assertThat(project).isDirectoryContaining(p -> p.equals(mcp)).isDirectoryNotContaining(p -> p.endsWith(".claude"));
    }

    @Test
    void aSettingsFileLinkedToADeviceIsAFailedDoctorCheckNotACrash() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path settings = Files.createDirectories(home.resolve(".claude")).resolve("settings.json");
        Files.createSymbolicLink(settings, Path.of("/dev/zero"));
        assertThatThrownBy(() -> wiring(InstallScope.USER, home, tmp).install(true)).hasMessageContaining("cannot read " + settings)
                .hasMessageContaining("not a regular file");
        List<Finding> found = new ClaudeWiringCheck(wiring(InstallScope.USER, home, tmp), true).run();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).status()).isEqualTo(Finding.Status.PROBLEM);
        assertThat(found.get(0).subject()).contains(settings.toString(), "not a regular file");
        Files.delete(settings);
        mkfifo(settings);
        assertThat(new ClaudeWiringCheck(wiring(InstallScope.USER, home, tmp), true).run().get(0).subject())
                .contains("not a regular file");
    }

    /** Users keep dotfiles as links: a link to a regular file is read as that file. */
    @Test
    void aLinkToARegularFileIsRead() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path dotfiles = Files.createDirectories(tmp.resolve("dotfiles"));
        Files.writeString(dotfiles.resolve("claude.json"), "{\"history\":[1,2,3],\"mcpServers\":{\"apra-fleet\":{\"type\":\"stdio\","
                + "\"command\":\"/opt/fleet/bin/fleet\",\"args\":[\"serve\"]}},\"projects\":{}}");
        Files.createSymbolicLink(home.resolve(".claude.json"), dotfiles.resolve("claude.json"));
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(dotfiles.resolve("settings.json"), "{\"model\": \"opus\"}\n");
        Files.createSymbolicLink(home.resolve(".claude/settings.json"), dotfiles.resolve("settings.json"));
        ClaudeCodeWiring.Report dry = wiring(InstallScope.USER, home, tmp).install(true);
        assertThat(dry.changes()).noneMatch(c -> c.contains("register the MCP server")).anyMatch(c -> c.contains("settings.json"));
        assertThat(ClaudeCli.registered(home.resolve(".claude.json"), JsonFiles.MAX_STATE_BYTES, "apra-fleet"))
                .isEqualTo(Optional.of(List.of("/opt/fleet/bin/fleet", "serve")));
    }
}
