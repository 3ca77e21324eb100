package dev.fleet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real git, run as the member's user would run it: with the member's HOME (where its global git
 * config lives) in a given folder. Test members all run on this machine, so this is the git they use.
 */
public final class GitProbe {
    private final Path home;

    public GitProbe(Path home) {
        this.home = home;
    }

    public record Run(int exit, String stdout, String stderr) {
    }

    public Run git(Path folder, String stdin, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(folder.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GIT_") || k.equals("XDG_CONFIG_HOME") || k.equals("SSH_ASKPASS"));
        env.put("HOME", home.toString());
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        p.getOutputStream().write(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("git " + args[0] + " did not finish");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The password git gets for {@code https://host} in {@code folder}, if any helper answers. */
    public Optional<String> password(Path folder, String host) throws IOException, InterruptedException {
        Run r = git(folder, "protocol=https\nhost=" + host + "\n\n", "credential", "fill");
        return r.stdout().lines().filter(l -> l.startsWith("password=")).map(l -> l.substring("password=".length())).findFirst();
    }

    public Optional<String> username(Path folder, String host) throws IOException, InterruptedException {
        Run r = git(folder, "protocol=https\nhost=" + host + "\n\n", "credential", "fill");
        return r.stdout().lines().filter(l -> l.startsWith("username=")).map(l -> l.substring("username=".length())).findFirst();
    }

    /** Every global {@code credential.helper} value, in order. */
    public List<String> helpers() throws IOException, InterruptedException {
        Run r = git(home, null, "config", "--global", "--get-all", "credential.helper");
        return r.stdout().isEmpty() ? List.of() : r.stdout().lines().toList();
    }
}
