package dev.fleet.testing;

import dev.fleet.security.ShellQuote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A control group laid out as systemd-logind lays out an SSH login's ({@code
 * .../user.slice/user-N.slice/session-M.scope}), made in a hierarchy this test process may write
 * (root in a container: cgroup v1's name=systemd, or v2). Processes moved into it show the scope in
 * {@code /proc/PID/cgroup} as they would under logind, and stay in it when they start a session of
 * their own, as a daemon does. {@link #required} skips the test where none can be made.
 */
public final class LoginScope implements AutoCloseable {
    private static final List<Path> HIERARCHIES = List.of(
            Path.of("/sys/fs/cgroup/systemd"), Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup"));

    private final Path top;
    private final Path scope;

    private LoginScope(Path top, Path scope) {
        this.top = top;
        this.scope = scope;
    }

    /** A new scope, or empty where this machine lets the test make none. */
    private static Optional<LoginScope> make() {
        for (Path h : HIERARCHIES) {
            if (!Files.isRegularFile(h.resolve("cgroup.procs")) || !Files.isWritable(h)) {
                continue;
            }
            Path top = h.resolve("fleet-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
            Path scope = top.resolve("user.slice/user-0.slice/session-9.scope");
            try {
                Files.createDirectories(scope);
                LoginScope made = new LoginScope(top, scope);
                // A folder may be made where no process may be moved (a delegated hierarchy): tried once.
                Process p = new ProcessBuilder("/bin/sh", "-c", made.enter()).redirectErrorStream(true).start();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(made);
                }
                p.destroyForcibly();
                removeQuietly(top, scope);
            } catch (IOException | RuntimeException e) {
                removeQuietly(top, scope);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                removeQuietly(top, scope);
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** A new scope; the test is skipped where this machine lets it make none. */
    public static LoginScope required() {
        Optional<LoginScope> made = make();
        org.junit.jupiter.api.Assumptions.assumeTrue(made.isPresent(), "no control group can be made here");
        return made.get();
    }

    /** Shell that moves the shell running it into this scope; its children are born there. */
    public String enter() {
        return "echo $$ > " + ShellQuote.posix(scope.resolve("cgroup.procs").toString());
    }

    /** Ends what is left in the scope and removes it. */
    @Override
    public void close() throws IOException {
        for (String pid : Files.readAllLines(scope.resolve("cgroup.procs"))) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(20, TimeUnit.SECONDS).join();
            });
        }
        removeQuietly(top, scope);
    }

    /** A control group is removed folder by folder, innermost first. */
    private static void removeQuietly(Path top, Path scope) {
        for (Path p = scope; p != null && p.startsWith(top); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return;
            }
        }
    }
}
