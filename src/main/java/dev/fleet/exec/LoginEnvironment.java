package dev.fleet.exec;

import dev.fleet.os.LocalShell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment a fresh login of the user would have, captured once and captured again when a
 * shell profile changes.
 *
 * <p>Local commands must not inherit the server's own environment: fleet usually runs inside an
 * agent session whose variables (session markers, entry points) make a nested agent CLI misbehave.
 * So fleet starts the user's login shell from an empty environment, records what it exports, and
 * runs every local command with exactly that. Capturing once keeps a command's cost to one
 * process start instead of a full login (profiles can take half a second). The profiles a login
 * reads are looked at (modification time and size, a few stat calls) before every use; when one
 * was edited, added or removed, the next command gets a fresh capture.
 */
public final class LoginEnvironment {
    private static final Logger log = LoggerFactory.getLogger(LoginEnvironment.class);
    private static final Set<String> SHELL_BOOKKEEPING = Set.of("PWD", "OLDPWD", "SHLVL", "_");
    private static final long CAPTURE_TIMEOUT_SECONDS = 15;

    /** Files a login of bash, zsh, sh or fish reads, relative to the home folder. */
    private static final List<String> HOME_PROFILES = List.of(".profile", ".bash_profile", ".bash_login", ".bashrc",
            ".zshenv", ".zprofile", ".zlogin", ".zshrc", ".config/fish/config.fish", ".pam_environment");
    /** System-wide ones; the files of profile.d folders are added when the fingerprint is taken. */
    private static final List<String> SYSTEM_PROFILES = List.of("/etc/profile", "/etc/profile.d", "/etc/bash.bashrc",
            "/etc/bashrc", "/etc/environment", "/etc/zshenv", "/etc/zprofile", "/etc/zlogin", "/etc/zsh",
            "/etc/zsh/zshenv", "/etc/zsh/zprofile", "/etc/zsh/zlogin", "/etc/zsh/zshrc", "/etc/paths", "/etc/paths.d");

    private final Map<String, String> serverEnv;
    private final Path home;
    private final List<Path> profiles;
    private volatile Captured captured;

    /** A captured environment and the state of the profiles it came from. */
    private record Captured(Map<String, String> env, ProfileFingerprint fingerprint) {
    }

    /** {@code home}: the user's home as the settings found it; the login starts there. */
    public LoginEnvironment(Map<String, String> serverEnv, Path home) {
        this.serverEnv = Map.copyOf(serverEnv);
        this.home = home;
        List<Path> files = new ArrayList<>();
        HOME_PROFILES.forEach(f -> files.add(home.resolve(f)));
        SYSTEM_PROFILES.forEach(f -> files.add(Path.of(f)));
        this.profiles = List.copyOf(files);
    }

    /** The login environment, captured again first if a profile changed since the last capture. */
    public Map<String, String> get() {
        Captured c = captured;
        if (c != null && c.fingerprint().isCurrent()) {
            return c.env();
        }
        synchronized (this) {
            c = captured;
            if (c == null || !c.fingerprint().isCurrent()) {
                // Taken before the capture: an edit made while the login runs shows as a change next time.
                ProfileFingerprint before = ProfileFingerprint.of(profiles);
                c = new Captured(capture(), before);
                captured = c;
            }
            return c.env();
        }
    }

    /** The few variables a login needs to find the user's profile; nothing else crosses over. */
    Map<String, String> seed() {
        Map<String, String> seed = new LinkedHashMap<>();
        String user = serverEnv.getOrDefault("USER", System.getProperty("user.name"));
        seed.put("HOME", home.toString());
        seed.put("USER", user);
        seed.put("LOGNAME", serverEnv.getOrDefault("LOGNAME", user));
        seed.put("SHELL", loginShell());
        seed.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin");
        seed.put("TERM", "dumb");
        for (String keep : new String[] {"LANG", "LC_ALL", "TMPDIR"}) {
            String v = serverEnv.get(keep);
            if (v != null) {
                seed.put(keep, v);
            }
        }
        return seed;
    }

    private String loginShell() {
        String shell = serverEnv.get("SHELL");
        if (shell != null && new java.io.File(shell).canExecute()) {
            return shell;
        }
        return LocalShell.path();
    }

    private Map<String, String> capture() {
        Map<String, String> seed = seed();
        if (dev.fleet.member.MemberOs.current() == dev.fleet.member.MemberOs.WINDOWS) {
            // Windows has no login shell to replay; the user's environment is the process default.
            return Map.copyOf(serverEnv);
        }
        ProcessBuilder pb = new ProcessBuilder(seed.get("SHELL"), "-l", "-c", "env -0");
        pb.environment().clear();
        pb.environment().putAll(seed);
        pb.redirectErrorStream(false);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out), "login-env");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(CAPTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                log.warn("login shell did not finish within {} s; local commands use a minimal environment",
                        CAPTURE_TIMEOUT_SECONDS);
                return Map.copyOf(seed);
            }
            reader.join(2000);
            Map<String, String> env = parse(out.toString(StandardCharsets.UTF_8));
            if (!env.containsKey("PATH")) {
                log.warn("login shell reported no PATH; local commands use a minimal environment");
                return Map.copyOf(seed);
            }
            SHELL_BOOKKEEPING.forEach(env::remove);
            return Map.copyOf(env);
        } catch (IOException e) {
            log.warn("cannot start the login shell ({}); local commands use a minimal environment", e.getMessage());
            return Map.copyOf(seed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.copyOf(seed);
        }
    }

    static Map<String, String> parse(String nulSeparated) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : nulSeparated.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // Partial output is handled by the PATH check.
        }
    }
}
