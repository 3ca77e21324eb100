package dev.fleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSSH sshd for the end-to-end suite. CI starts one with scripts/test-sshd.sh and passes
 * its coordinates in FLEET_TEST_SSHD_* variables; without them the suite starts its own with the
 * same script, and is skipped (with the reason) only where sshd is not installed.
 */
public final class RealSshd implements AutoCloseable {
    public final int port;
    public final Path key;
    public final String user;
    public final Path home;
    /** What serves SFTP sessions: OpenSSH's sftp-server program (a process per session), or internal-sftp. */
    public final String sftpServer;
    private final Path ownDir;

    private RealSshd(Map<String, String> vars, Path ownDir) {
        this.port = Integer.parseInt(vars.get("FLEET_TEST_SSHD_PORT"));
        this.key = Path.of(vars.get("FLEET_TEST_SSHD_KEY"));
        this.user = vars.get("FLEET_TEST_SSHD_USER");
        this.home = Path.of(vars.get("FLEET_TEST_SSHD_HOME"));
        this.sftpServer = vars.getOrDefault("FLEET_TEST_SSHD_SFTP", "internal-sftp");
        this.ownDir = ownDir;
    }

    /** A member on this sshd as fleet registers one (its key, no password); {@code name} keeps tests' pooled connections apart. */
    public dev.fleet.exec.ssh.SshTarget target(String name) {
        return new dev.fleet.exec.ssh.SshTarget("m1|" + name, "127.0.0.1", port, user, null, key);
    }

    public static RealSshd startOrUseCi(Path scratch) throws IOException, InterruptedException {
        if (System.getenv("FLEET_TEST_SSHD_PORT") != null) {
            return new RealSshd(System.getenv(), null);
        }
        return start(scratch, Map.of());
    }

    /**
     * An sshd of the test's own (never CI's shared one) that allows {@code sessions} session
     * channels per connection (OpenSSH's MaxSessions), as a member's administrator may set it.
     */
    public static RealSshd allowingSessions(Path scratch, int sessions) throws IOException, InterruptedException {
        return start(scratch, Map.of("FLEET_TEST_SSHD_MAX_SESSIONS", Integer.toString(sessions)));
    }

    private static RealSshd start(Path scratch, Map<String, String> env) throws IOException, InterruptedException {
        Path script = Path.of("scripts/test-sshd.sh").toAbsolutePath();
        Path dir = Files.createDirectories(scratch.resolve("sshd"));
        ProcessBuilder start = new ProcessBuilder(script.toString(), "start", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        start.environment().putAll(env);
        Process p = start.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0,
                "OpenSSH sshd is not available here (apt-get install openssh-server); .ci/run installs it");
        Map<String, String> vars = new HashMap<>();
        out.lines().filter(l -> l.startsWith("FLEET_TEST_SSHD_")).forEach(l -> {
            int eq = l.indexOf('=');
            vars.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return new RealSshd(vars, dir);
    }

    @Override
    public void close() throws Exception {
        if (ownDir != null) {
            new ProcessBuilder(Path.of("scripts/test-sshd.sh").toAbsolutePath().toString(), "stop", ownDir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * One sshd for a test class, registered as a static {@code @RegisterExtension} field: started
     * before the class's {@code @BeforeAll} methods (which may use it) and stopped after its
     * {@code @AfterAll} ones (which may still close a server talking to it), in a scratch folder of
     * its own. Where sshd is not installed, the class is skipped with the reason.
     */
    public static final class ForClass implements BeforeAllCallback, AfterAllCallback {
        private Path scratch;
        private RealSshd sshd;

        public RealSshd get() {
            if (sshd == null) {
                throw new IllegalStateException("the sshd starts before the class's @BeforeAll methods; not yet");
            }
            return sshd;
        }

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            scratch = Files.createTempDirectory("fleet-sshd-");
            sshd = startOrUseCi(scratch);
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            try {
                if (sshd != null) {
                    sshd.close();
                }
            } finally {
                try (Stream<Path> all = Files.walk(scratch)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException | UncheckedIOException e) {
                    // A folder a test made unreadable stays in the system's temp folder; the tests' outcome stands.
                }
            }
        }
    }
}
