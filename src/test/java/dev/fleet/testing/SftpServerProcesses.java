package dev.fleet.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real processes named {@code sftp-server}, as OpenSSH names the one it starts for each SFTP
 * session, for the activity checks: one that sits still (a mounted folder nobody uses) and one
 * that writes all along (a transfer). Each is started from a copy of a system program in a
 * folder of its own under {@code dir}; {@link #close()} ends them all.
 */
public final class SftpServerProcesses implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> env;
    private final List<Process> started = new ArrayList<>();

    /** @param env variables to add to each process's environment (the guard looks for its user's HOME) */
    public SftpServerProcesses(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** A session that moves no data after it has started. */
    public Process still() throws IOException {
        Process p = start("/bin/sleep", "still", "300");
        awaitSettled(p);
        return p;
    }

    /**
     * Until {@code p} has finished starting: the loader's reads of its libraries move its byte
     * counters, and on a loaded machine they may come after a first look, which would then see a
     * still session move (two looks 100 ms apart agree; at most 10 s).
     */
    private static void awaitSettled(Process p) {
        String[] last = {null};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String now = bytesMoved(p);
            boolean settled = now.equals(last[0]);
            last[0] = now;
            return settled;
        });
    }

    /** A session that writes a few bytes every 50 ms. */
    public Process moving() throws IOException {
        return start("/bin/sh", "moving", "-c", "while :; do echo chunk; sleep 0.05; done");
    }

    /**
     * The server side of another kind of transfer, showing {@code commandLine} as its command
     * line ({@code rsync --server ...}, {@code scp -t ...}), as those programs show theirs; it
     * moves no data after it has started.
     */
    public Process titled(String commandLine) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("perl", "-e", "$0 = shift; sleep 300", commandLine).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        // Shown once perl has set it: a look before that would see perl.
        Path cmdline = Path.of("/proc/" + p.pid() + "/cmdline");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(cmdline).startsWith(commandLine));
        return p;
    }

    /** Waits until {@code p}'s byte counters have changed from what they are now. */
    public static void awaitMoved(Process p) throws IOException {
        String before = bytesMoved(p);
        await().atMost(Duration.ofSeconds(10)).until(() -> !bytesMoved(p).equals(before));
    }

    private static String bytesMoved(Process p) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + p.pid() + "/io")).stream().filter(l -> l.matches("[rw]char: .*"))
                .reduce("", String::concat);
    }

    private Process start(String program, String folder, String... args) throws IOException {
        Path server = Files.copy(Path.of(program), Files.createDirectories(dir.resolve(folder)).resolve("sftp-server"),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        List<String> command = new ArrayList<>(List.of(server.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly().waitFor();
        }
    }
}
