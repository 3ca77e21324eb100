package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell edits of authorized_keys and shell profiles, run by bash on a throwaway home: each
 * file is replaced whole or left as it was, whatever fails on the way.
 */
class ProfileEditsTest {
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetFleetFleetFleetFleetFleetFleetFleet fleet-key";
    private static final String MARK = "# added by apra-fleet";
    private final OsCommands linux = OsCommands.forOs(MemberOs.LINUX);
    private final AgentShell agents = AgentShell.forOs(MemberOs.LINUX);
    private static final java.util.List<AgentShell.HomeFile> CLAUDE_LOGIN =
            java.util.List.of(AgentShell.HomeFile.of(".claude/.credentials.json"));

    @TempDir
    Path home;

    private record Run(int exit, String stderr) {
    }

    /** Runs the script as the member would, optionally with a grep that fails as on a full disk. */
    private Run run(String script, String stdin, boolean failingGrep) throws Exception {
        return run(script, stdin, failingGrep, java.util.Map.of());
    }

    private Run run(String script, String stdin, boolean failingGrep, java.util.Map<String, String> env) throws Exception {
        Path bin = Files.createDirectories(home.resolve("fake-bin"));
        String path = System.getenv("PATH");
        if (failingGrep) {
            Path grep = bin.resolve("grep");
            Files.writeString(grep, "#!/bin/sh\necho 'grep: write error: No space left on device' >&2\nexit 2\n");
            Files.setPosixFilePermissions(grep, PosixFilePermissions.fromString("rwxr-xr-x"));
            path = bin + ":" + path;
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", path);
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException refusedBeforeReading) {
            // The script ended before it read its input (a refusal): its exit and stderr tell.
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), err);
    }

    private Path file(String name, String content, String mode) throws IOException {
        Path f = home.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static String mode(Path f) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    }

    /**
     * A login environment may turn shell tracing on for every bash (BASH_ENV with set -x): the
     * scripts that handle a key turn it off first, so the key never reaches their stderr, which
     * fleet shows when something fails.
     */
    @Test
    void tracingTheMemberTurnedOnNeverPrintsAKey() throws Exception {
        Path traced = file("trace.sh", "set -x\n", "rw-r--r--");
        java.util.Map<String, String> env = java.util.Map.of("BASH_ENV", traced.toString());
        Run persisted = run(agents.persistVariable("ANTHROPIC_API_KEY"), "sk-ant-traced-0123456789", false, env);
        assertThat(persisted.exit()).as(persisted.stderr()).isZero();
        assertThat(persisted.stderr()).doesNotContain("sk-ant-traced");

        PromptLaunch launch = new PromptLaunch("0a1b2c3d4e5f60718293a4b5", "member-1", "no-such-agent-cli", java.util.List.of("-"),
                "CODEX_API_KEY", PromptLaunch.Input.STDIN, null);
        Run prompted = run(agents.launchPrompt(launch),
                new String(PromptLaunch.payload("sk-codex-traced-0123456789", "hello"), StandardCharsets.US_ASCII), false, env);
        assertThat(prompted.stderr()).contains("no-such-agent-cli").doesNotContain("sk-codex-traced");
    }

    @Test
    void revokingAKeyRemovesOnlyItsLineAndKeepsTheFileWholeWhenTheFilterFails() throws Exception {
        String others = "ssh-rsa AAAAB3Nza-users-own-key user@laptop\nssh-ed25519 AAAAC3-other other@ci\n";
        Path keys = file(".ssh/authorized_keys", others + KEY + "\n", "rw-------");

        Run failed = run(linux.revokeKey(KEY), "", true);
        assertThat(failed.exit()).as(failed.stderr()).isNotZero();
        assertThat(Files.readString(keys)).isEqualTo(others + KEY + "\n");
        assertThat(home.resolve(".ssh")).isDirectoryNotContaining(p -> p.getFileName().toString().contains("fleet-tmp"));

        Run ok = run(linux.revokeKey(KEY), "", false);
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        assertThat(Files.readString(keys)).isEqualTo(others);
        assertThat(mode(keys)).isEqualTo("rw-------");
    }

    @Test
    void aPersistedApiKeyLivesInAnOwnerOnlyFileThatProfilesSourceAndFailedEditsLeaveFilesWhole() throws Exception {
        String own = "export PATH=\"$HOME/bin:$PATH\"\nalias ll='ls -l'\n";
        // A key line an earlier fleet wrote into a profile every user of the machine can read.
        Path profile = file(".profile", own + "export ANTHROPIC_API_KEY='sk-ant-old' " + MARK + "\n", "rw-r--r--");
        // And one for another agent's variable: it moves into the owner-only file too.
        Path bashrc = file(".bashrc", "set -o vi\nexport OPENAI_API_KEY='sk-openai-old' " + MARK + "\n", "rw-r--r--");
        Path keys = home.resolve(".apra-fleet-keys");
        String source = "[ -f \"$HOME/.apra-fleet-keys\" ] && . \"$HOME/.apra-fleet-keys\" " + MARK + "\n";

        Run failed = run(agents.persistVariable("ANTHROPIC_API_KEY"), "sk-ant-new-0123456789", true);
        assertThat(failed.exit()).as(failed.stderr()).isNotZero();
        assertThat(Files.readString(profile)).isEqualTo(own + "export ANTHROPIC_API_KEY='sk-ant-old' " + MARK + "\n");
        assertThat(Files.readString(bashrc)).isEqualTo("set -o vi\nexport OPENAI_API_KEY='sk-openai-old' " + MARK + "\n");
        assertThat(keys).content().doesNotContain("sk-ant-new");

        Run ok = run(agents.persistVariable("ANTHROPIC_API_KEY"), "sk-ant-new-0123456789", false);
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        Run again = run(agents.persistVariable("CODEX_API_KEY"), "sk-proj-another-key", false);
        assertThat(again.exit()).as(again.stderr()).isZero();
        assertThat(keys).hasContent("export ANTHROPIC_API_KEY='sk-ant-new-0123456789'\nexport OPENAI_API_KEY='sk-openai-old'\n"
                + "export CODEX_API_KEY='sk-proj-another-key'");
        assertThat(mode(keys)).isEqualTo("rw-------");
        // Each profile: its own lines kept, the old key line gone, one line that sources the file.
        assertThat(Files.readString(profile)).isEqualTo(own + source);
        assertThat(Files.readString(bashrc)).isEqualTo("set -o vi\n" + source);
        assertThat(mode(profile)).isEqualTo("rw-r--r--");
        assertThat(home).isDirectoryNotContaining(p -> p.getFileName().toString().contains("fleet-tmp"));

        // A login shell gets both keys from the profile.
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", ". \"$HOME/.profile\"; echo \"$ANTHROPIC_API_KEY $CODEX_API_KEY\"");
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("sk-ant-new-0123456789 sk-proj-another-key");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // fleet's check for a persisted key finds it in the file (and names it, never its value).
        ProcessBuilder probe = new ProcessBuilder("sh", "-c", agents.authProbe(java.util.List.of(),
                java.util.List.of("ANTHROPIC_API_KEY", "OTHER_KEY")));
        probe.environment().put("HOME", home.toString());
        probe.environment().remove("ANTHROPIC_API_KEY");
        Process checked = probe.start();
        assertThat(new String(checked.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("variable ANTHROPIC_API_KEY");
        assertThat(checked.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Run removed = run(agents.removeFleetAuth(CLAUDE_LOGIN), "", false);
        assertThat(removed.exit()).as(removed.stderr()).isZero();
        assertThat(keys).doesNotExist();
        assertThat(Files.readString(profile)).isEqualTo(own);
        assertThat(Files.readString(bashrc)).isEqualTo("set -o vi\n");
    }

    @Test
    void removingTheAgentLoginLeavesProfilesWholeWhenTheFilterFailsAndEditsALinkedProfileInPlace() throws Exception {
        String own = "export EDITOR=vim\n";
        Path dotfiles = file("dotfiles/bashrc", own + "export ANTHROPIC_API_KEY='sk-ant-x' " + MARK + "\n", "rw-r--r--");
        Path bashrc = home.resolve(".bashrc");
        Files.createSymbolicLink(bashrc, dotfiles);

        Run failed = run(agents.removeFleetAuth(CLAUDE_LOGIN), "", true);
        assertThat(failed.stderr()).contains("could not");
        assertThat(Files.readString(dotfiles)).isEqualTo(own + "export ANTHROPIC_API_KEY='sk-ant-x' " + MARK + "\n");

        Run ok = run(agents.removeFleetAuth(CLAUDE_LOGIN), "", false);
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        assertThat(Files.isSymbolicLink(bashrc)).as("the user's link stays a link").isTrue();
        assertThat(Files.readString(dotfiles)).isEqualTo(own);
    }

    @Test
    void aLoginFileCopiedInFullIsPrivateAndMarkedAndOneCutOffLeavesNothingBehind() throws Exception {
        AgentShell.HomeFile login = CLAUDE_LOGIN.get(0);
        Run ok = run(agents.installHomeFile(login), "{\"token\":\"secret\"}", false);
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        Path file = home.resolve(login.path());
        assertThat(file).hasContent("{\"token\":\"secret\"}");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(home.resolve(login.marker())).exists();

        // A rename that fails (as on a full disk) leaves neither a temporary copy nor a changed file.
        Path bin = Files.createDirectories(home.resolve("fake-mv"));
        Files.writeString(bin.resolve("mv"), "#!/bin/sh\necho 'mv: No space left on device' >&2\nexit 1\n");
        Files.setPosixFilePermissions(bin.resolve("mv"), PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", agents.installHomeFile(login));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write("{\"token\":\"newer\"}".getBytes(StandardCharsets.UTF_8));
        }
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(file).hasContent("{\"token\":\"secret\"}");
        assertThat(file.getParent()).isDirectoryNotContaining(f -> f.getFileName().toString().contains("fleet-tmp"));
    }
    /**
     * Anything that runs as the member's user (a build script of a cloned repository) can plant
     * links under the names fleet writes a login or a key to, pointing at a file others may read
     * or one the user cares about (here: a file outside the home standing for ~/.bashrc). A secret
     * is only ever written into a file fleet has just created, never through such a link, and a
     * link in place of fleet's own key file is refused.
     */
    @Test
    void secretsAreNeverWrittenThroughLinksPlantedUnderTheNamesFleetWrites(@TempDir Path elsewhere) throws Exception {
        Path outside = Files.writeString(elsewhere.resolve("bashrc"), "outside content\n");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        AgentShell.HomeFile login = CLAUDE_LOGIN.get(0);
        Files.createDirectories(home.resolve(".claude"));
        Files.createSymbolicLink(home.resolve(login.path() + ".fleet-tmp"), outside);
        Files.createSymbolicLink(home.resolve(".apra-fleet-keys.fleet-tmp"), outside);
        Files.createSymbolicLink(home.resolve(".profile.fleet-tmp"), outside);
        file(".profile", "export EDITOR=vi\n", "rw-r--r--");

        Run copied = run(agents.installHomeFile(login), "{\"token\":\"sk-login-secret\"}", false);
        assertThat(copied.exit()).as(copied.stderr()).isZero();
        Run persisted = run(agents.persistVariable("ANTHROPIC_API_KEY"), "sk-ant-planted-0123456789", false);
        assertThat(persisted.exit()).as(persisted.stderr()).isZero();

        assertThat(outside).hasContent("outside content");
        assertThat(mode(outside)).isEqualTo("rw-r--r--");
        Path loginFile = home.resolve(login.path());
        assertThat(Files.isSymbolicLink(loginFile)).isFalse();
        assertThat(loginFile).hasContent("{\"token\":\"sk-login-secret\"}");
        assertThat(mode(loginFile)).isEqualTo("rw-------");
        Path keys = home.resolve(".apra-fleet-keys");
        assertThat(Files.isSymbolicLink(keys)).isFalse();
        assertThat(keys).hasContent("export ANTHROPIC_API_KEY='sk-ant-planted-0123456789'");
        assertThat(mode(keys)).isEqualTo("rw-------");
        assertThat(Files.isSymbolicLink(home.resolve(".profile"))).isFalse();
        assertThat(Files.readString(home.resolve(".profile"))).startsWith("export EDITOR=vi\n").contains(".apra-fleet-keys");

        // fleet's key file itself a link: refused, nothing written there.
        Files.delete(keys);
        Files.createSymbolicLink(keys, outside);
        Run refused = run(agents.persistVariable("ANTHROPIC_API_KEY"), "sk-ant-refused-0123456789", false);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("symbolic link").doesNotContain("sk-ant-refused");
        assertThat(outside).hasContent("outside content");
        assertThat(mode(outside)).isEqualTo("rw-r--r--");
    }
}
