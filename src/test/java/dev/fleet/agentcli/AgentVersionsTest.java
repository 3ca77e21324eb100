package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.LocalChannel;
import dev.fleet.exec.LoginEnvironment;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentVersionsTest {
    @TempDir
    Path home;
    ExecutorService pumps = Executors.newCachedThreadPool();
    LocalChannel channel;
    OsCommands os = OsCommands.forOs(MemberOs.LINUX);
    Path calls;
    static final ProviderAdapter CLAUDE = ClaudeAdapter.INSTANCE;

    @BeforeEach
    void setUp() {
        channel = new LocalChannel(os, new LoginEnvironment(Map.of("HOME", home.toString(), "USER", "tester", "SHELL", "/bin/bash"), home),
                new SpillFiles(home.resolve("out"), Clock.systemUTC()), pumps);
        calls = home.resolve("calls");
    }

    @AfterEach
    void tearDown() {
        pumps.shutdownNow();
    }

    /** A fake agent CLI in ~/.local/bin that counts how often it is asked. */
    private void installCli(String version, int secondsAhead) throws Exception {
        Path bin = Files.createDirectories(home.resolve(".local/bin"));
        Path cli = bin.resolve("claude");
        Files.writeString(cli, "#!/bin/sh\necho x >> '" + calls + "'\necho '" + version + " (Claude Code)'\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(cli, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    private long timesAsked() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }

    @Test
    void theSameBinaryIsAskedOnce() throws Exception {
        installCli("1.0.1", 10);
        AgentVersions versions = new AgentVersions();
        assertThat(versions.version(channel, CLAUDE)).contains("1.0.1 (Claude Code)");
        assertThat(versions.version(channel, CLAUDE)).contains("1.0.1 (Claude Code)");
        assertThat(timesAsked()).isEqualTo(1);
    }

    @Test
    void anUpdatedBinaryIsAskedAgain() throws Exception {
        installCli("1.0.1", 10);
        AgentVersions versions = new AgentVersions();
        assertThat(versions.version(channel, CLAUDE)).contains("1.0.1 (Claude Code)");
        installCli("1.0.2", 20);
        assertThat(versions.version(channel, CLAUDE)).contains("1.0.2 (Claude Code)");
        assertThat(timesAsked()).isEqualTo(2);
    }

    @Test
    void aMissingCliIsReportedMissing() throws Exception {
        assertThat(AgentVersions.find(Map.of("HOME", home.toString(), "PATH", home.resolve("nowhere").toString()), CLAUDE))
                .isInstanceOf(AgentVersions.Lookup.Missing.class);
        assertThat(AgentVersions.find(Map.of("HOME", home.toString(), "PATH", "bin:/usr/bin"), CLAUDE))
                .as("a relative PATH folder depends on where the command runs").isInstanceOf(AgentVersions.Lookup.Unsure.class);
    }

    @Test
    void aFolderOrAFileThatCannotRunIsPassedOverAsTheShellPassesIt() throws Exception {
        Path asFolder = Files.createDirectories(home.resolve("p1/claude"));
        Path notRunnable = Files.createDirectories(home.resolve("p2")).resolve("claude");
        Files.writeString(notRunnable, "#!/bin/sh\necho no\n");
        Files.setPosixFilePermissions(notRunnable, PosixFilePermissions.fromString("rw-r--r--"));
        Path real = Files.createDirectories(home.resolve("real")).resolve("claude-2.0");
        Files.writeString(real, "#!/bin/sh\necho '2.0.0 (Claude Code)'\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path linked = Files.createDirectories(home.resolve("p3")).resolve("claude");
        Files.createSymbolicLink(linked, real);
        String path = asFolder.getParent() + ":" + notRunnable.getParent() + ":" + linked.getParent();

        AgentVersions.Lookup found = AgentVersions.find(Map.of("HOME", home.toString(), "PATH", path), CLAUDE);

        assertThat(found).isInstanceOf(AgentVersions.Lookup.Found.class);
        AgentVersions.Binary binary = ((AgentVersions.Lookup.Found) found).binary();
        assertThat(binary.realPath()).isEqualTo(real.toRealPath());
        assertThat(binary.size()).isEqualTo(Files.size(real));
    }
}
