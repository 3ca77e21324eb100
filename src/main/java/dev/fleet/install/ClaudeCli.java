package dev.fleet.install;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Claude Code's own command line, for registering MCP servers ({@code claude mcp add/remove}).
 * What is registered is read from the file the CLI keeps it in, so that an install that would
 * change nothing runs nothing.
 */
public final class ClaudeCli {
    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;

    private ClaudeCli(Path executable) {
        this.executable = executable;
    }

    /** The CLI on PATH, or where its installer puts it ({@code ~/.local/bin}, {@code ~/.claude/local}). */
    public static Optional<ClaudeCli> find(Map<String, String> env, Path home) {
        List<Path> dirs = new ArrayList<>();
        String path = env.get("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.add(home.resolve(".local").resolve("bin"));
        dirs.add(home.resolve(".claude").resolve("local"));
        for (Path d : dirs) {
            for (String name : List.of("claude", "claude.cmd", "claude.exe")) {
                Path p = d.resolve(name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(new ClaudeCli(p));
                }
            }
        }
        return Optional.empty();
    }

    public Path executable() {
        return executable;
    }

    /**
     * The command and arguments registered under {@code name}, read from Claude Code's file; empty if
     * none. Only its {@code mcpServers} is kept; the file is read only when it is a regular file of at
     * most {@code maxBytes}.
     */
    public static Optional<List<String>> registered(Path serversFile, long maxBytes, String name) throws IOException {
        JsonNode servers = JsonFiles.readTopField(serversFile, maxBytes, "mcpServers");
        if (servers == null) {
            return Optional.empty();
        }
        JsonNode server = servers.path(name);
        if (!server.isObject() || !server.path("command").isTextual()) {
            return Optional.empty();
        }
        List<String> argv = new ArrayList<>();
        argv.add(server.get("command").asText());
        server.path("args").forEach(a -> argv.add(a.asText()));
        return Optional.of(argv);
    }

    /** {@code claude mcp add}, run in {@code dir} (project scope writes .mcp.json there). */
    public void add(InstallScope scope, String name, List<String> argv, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mcp", "add", "--scope", scope.cliName(), name, "--"));
        cmd.addAll(argv);
        run(cmd, dir);
    }

    public void remove(InstallScope scope, String name, Path dir) throws IOException {
        run(List.of("mcp", "remove", "--scope", scope.cliName(), name), dir);
    }

    static String shown(InstallScope scope, String name, List<String> argv) {
        return "claude mcp add --scope " + scope.cliName() + " " + name + " -- " + String.join(" ", argv);
    }

    private void run(List<String> args, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.addAll(args);
        String shown = "claude " + String.join(" ", args);
        // Output goes to a file, not a pipe: a CLI that hangs cannot hold fleet past the time limit.
        Path out = Files.createTempFile("fleet-claude-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '\\' ? "NUL" : "/dev/null")))
                    .start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(shown + " did not finish within " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + shown + " ran");
            }
            if (p.exitValue() != 0) {
                String said = Files.readString(out, StandardCharsets.UTF_8).strip();
                throw new IOException(shown + " failed (exit " + p.exitValue() + ")" + (said.isEmpty() ? "" : ": " + said));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
