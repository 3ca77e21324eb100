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
        Process p = start(script, stdin);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    private Process start(String script, String stdin) throws Exception {
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
        } catch (java.io.IOException e) {
            // A script that refuses at once ends before it reads its input: the pipe is closed.
        }
        return p;
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

    /**
     * Links planted in fleet's credential folder (by anything that runs as the member's user):
     * under the names of the temporary copies they are replaced, never written through, so no
     * token lands in the file they point at; a folder that is itself a link is refused, and
     * removing the credential deletes nothing behind it.
     */
    @Test
    void noTokenIsWrittenThroughALinkPlantedInTheCredentialFolder(@TempDir Path elsewhere) throws Exception {
        Path outside = Files.writeString(elsewhere.resolve("notes"), "outside content\n");
        Path hosts = Files.createDirectories(home.resolve(".fleet-git/hosts"));
        for (String name : List.of("hosts/github.com.tmp", "helper.tmp", "previous-helpers.tmp")) {
            Files.createSymbolicLink(home.resolve(".fleet-git").resolve(name), outside);
        }
        GitCredentialCommands git = GitCredentialCommands.forOs(MemberOs.LINUX);

        assertThat(run(git.install("github.com"), "fleet-user\nghp_plantedToken\n")).contains("fleet-git:installed");
        assertThat(outside).hasContent("outside content");
        assertThat(Files.isSymbolicLink(hosts.resolve("github.com"))).isFalse();
        assertThat(hosts.resolve("github.com")).hasContent("fleet-user\nghp_plantedToken");
        assertThat(Files.getPosixFilePermissions(hosts.resolve("github.com"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(run(git.fill("github.com"), "")).contains("password=ghp_plantedToken");
        assertThat(run(git.remove("github.com"), "")).contains("fleet-git:removed");

        // The whole folder a link to one elsewhere: refused both ways, nothing there written or deleted.
        Path other = Files.createDirectories(elsewhere.resolve("other/hosts"));
        Files.writeString(other.resolve("github.com"), "someone\nelse\n");
        Files.createSymbolicLink(home.resolve(".fleet-git"), other.getParent());
        for (String script : List.of(git.install("github.com"), git.remove("github.com"))) {
            Process p = start(script, "fleet-user\nghp_refusedToken\n");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(4);
            assertThat(err).contains("symbolic link").doesNotContain("ghp_refusedToken");
        }
        assertThat(other.resolve("github.com")).hasContent("someone\nelse");
        try (var left = Files.list(other.getParent())) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactly("hosts");
        }
    }
}
