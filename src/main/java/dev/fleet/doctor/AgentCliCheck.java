package dev.fleet.doctor;

import dev.fleet.agentcli.AgentCredentials;
import dev.fleet.install.ClaudeCli;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The agent CLI (Claude Code) on this machine: found, answering, and logged in. Local members use
 * it directly; provision_auth copies its login to remote members.
 */
public final class AgentCliCheck implements Check {
    private static final long VERSION_TIMEOUT_SECONDS = 15;

    private final Map<String, String> env;
    private final Path home;
    private final Clock clock;

    public AgentCliCheck(Map<String, String> env, Path home, Clock clock) {
        this.env = env;
        this.home = home;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "agent cli";
    }

    @Override
    public List<Finding> run() {
        Optional<ClaudeCli> cli = ClaudeCli.find(env, home);
        if (cli.isEmpty()) {
            return List.of(Finding.problem("Claude Code (claude) is not on PATH, ~/.local/bin or ~/.claude/local",
                    "install Claude Code (npm install -g @anthropic-ai/claude-code, or its install script)"));
        }
        List<Finding> found = new ArrayList<>();
        Path exe = cli.get().executable();
        try {
            found.add(Finding.ok("claude " + version(exe) + " at " + exe));
        } catch (IOException e) {
            found.add(Finding.problem("claude at " + exe + " does not answer --version: " + e.getMessage(),
                    "reinstall Claude Code, or run claude --version to see what is wrong"));
        }
        found.add(login());
        return found;
    }

    private Finding login() {
        String apiKey = env.get("ANTHROPIC_API_KEY");
        if (apiKey != null && apiKey.strip().length() > 5) {
            return Finding.ok("logged in with an API key (ANTHROPIC_API_KEY is set)");
        }
        Path file = AgentCredentials.defaultFile(home);
        if (!Files.exists(file)) {
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac")) {
                return Finding.note("no " + file + ": on macOS Claude Code keeps its login in the keychain; "
                        + "provision_auth then needs an api_key");
            }
            return Finding.problem("Claude Code is not logged in on this machine (no " + file + ", no ANTHROPIC_API_KEY)",
                    "run claude and use /login");
        }
        try {
            AgentCredentials.Loaded login = AgentCredentials.load(file, clock);
            return login.warning() == null ? Finding.ok("logged in (" + file + ")")
                    : Finding.note("logged in, but " + login.warning());
        } catch (AgentCredentials.CredentialsProblem e) {
            return Finding.problem(e.getMessage(), "run claude and use /login");
        }
    }

    private static String version(Path exe) throws IOException {
        Path out = Files.createTempFile("fleet-doctor-", ".out");
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")))
                    .start();
            if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("no answer within " + VERSION_TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new IOException("exit " + p.exitValue() + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse("")));
            }
            return text.lines().findFirst().orElse("(no version printed)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
