package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet's git credential scripts run for real with git, the way a member runs them, behind a git
 * that logs its command lines: what every user of the member could read in its process list.
 */
class GitCredentialScriptsTest {
    private static final String INLINE = "!f() { echo username=me; echo \"password=ghp_inlineSecret\\\\x\"; }; f # mine";

    @TempDir
    Path home;

    private String run(String script, String stdin) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path shim = bin.resolve("git");
        String realGit = new ProcessBuilder("sh", "-c", "command -v git").start().inputReader().readLine();
        Files.writeString(shim, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$HOME/git-argv.log\"\nexec " + realGit + " \"$@\"\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().remove("XDG_CONFIG_HOME");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    private List<String> helpers() throws Exception {
        return List.of(run("git config --global --get-all credential.helper", "").split("\n", -1)).stream()
                .filter(l -> !l.isEmpty()).toList();
    }

    /** The user's own helpers, one with a token inline, come back as they were, and never on a command line. */
    @Test
    void theUsersHelpersComeBackWhole() throws Exception {
        Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Dev\n[credential]\n\thelper = store\n");
        run("git config --global --add credential.helper '" + INLINE.replace("'", "'\\''") + "'", "");
        Files.deleteIfExists(home.resolve("git-argv.log"));
        GitCredentialCommands git = GitCredentialCommands.forOs(MemberOs.LINUX);

        assertThat(run(git.install("github.com"), "fleet-user\nghp_fleetToken\n")).contains("fleet-git:installed");
        assertThat(run(git.remove("github.com"), "")).contains("fleet-git:removed");

        assertThat(helpers()).containsExactly("store", INLINE);
        assertThat(run("git config --global user.name", "").strip()).isEqualTo("Dev");
        assertThat(Files.readString(home.resolve("git-argv.log"))).doesNotContain("ghp_inlineSecret", "ghp_fleetToken");
    }
}
