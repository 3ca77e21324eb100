package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A member that is a folder on this machine: commands are child processes, transfers are copies.
 *
 * <p>Every command carries a run tag in its environment, so a timeout ends it and everything it
 * started, also what left its process tree. The tag names the member the command runs for (see
 * {@link #forMember}), as on remote members, so the member's activity check finds it. A command must never reach the terminal of the editor
 * or agent that started fleet (a password prompt would steal its keystrokes): when fleet itself
 * has a controlling terminal, each command starts in a session of its own ({@code setsid}, one
 * more process start); when fleet has none (the launcher starts {@code fleet serve} detached),
 * its commands cannot have one either and start directly.
 */
public final class LocalChannel implements MemberChannel {
    private static final boolean HAS_SETSID = new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute();

    private final OsCommands os;
    private final LoginEnvironment environment;
    private final SpillFiles spillFiles;
    private final ExecutorService streamPumps;
    private final boolean ownSessions;
    /** The member whose commands this channel runs; null for commands run for no member. */
    private final String memberId;

    public LocalChannel(OsCommands os, LoginEnvironment environment, SpillFiles spillFiles,
                        ExecutorService streamPumps) {
        this(os, environment, spillFiles, streamPumps, HAS_SETSID && ControllingTerminal.present());
    }

    /** {@code ownSessions}: start each command in a new session (needs setsid). */
    LocalChannel(OsCommands os, LoginEnvironment environment, SpillFiles spillFiles, ExecutorService streamPumps,
                 boolean ownSessions) {
        this(os, environment, spillFiles, streamPumps, ownSessions, null);
    }

    private LocalChannel(OsCommands os, LoginEnvironment environment, SpillFiles spillFiles, ExecutorService streamPumps,
                         boolean ownSessions, String memberId) {
        this.os = os;
        this.environment = environment;
        this.spillFiles = spillFiles;
        this.streamPumps = streamPumps;
        this.ownSessions = ownSessions;
        this.memberId = memberId;
    }

    /** The same machine for one local member: its commands carry that member's run tag. */
    public LocalChannel forMember(String id) {
        return new LocalChannel(os, environment, spillFiles, streamPumps, ownSessions, id);
    }

    @Override
    public OsCommands os() {
        return os;
    }

    @Override
    public CommandResult exec(CommandRequest request) throws ChannelException {
        List<String> argv = new ArrayList<>(4);
        if (ownSessions) {
            // A new session: no controlling terminal, and a process group a timeout can end whole.
            argv.add("setsid");
        }
        argv.addAll(os.shellArgv(request.script()));
        String runId = RunTag.next(memberId, request.look());
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment.get());
        env.put(OsCommands.RUN_TAG, runId);
        if (request.workFolder() != null) {
            File dir = new File(request.workFolder());
            if (!dir.isDirectory()) {
                throw new ChannelException("work folder " + request.workFolder() + " does not exist on this machine");
            }
            pb.directory(dir);
        }
        if (request.stdin() == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File(os.os() == MemberOs.WINDOWS ? "NUL" : "/dev/null")));
        }
        long start = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new ChannelException("cannot start a local shell: " + e.getMessage(), e);
        }
        OutputCapture out = request.stdoutCapture(() -> spillFiles.next("stdout"));
        OutputCapture err = request.stderrCapture(() -> spillFiles.next("stderr"));
        if (request.stdin() != null) {
            byte[] input = request.stdin();
            streamPumps.submit(() -> feed(process, input));
        }
        Future<?> outPump = streamPumps.submit(() -> pump(process.getInputStream(), out));
        Future<?> errPump = streamPumps.submit(() -> pump(process.getErrorStream(), err));
        boolean timedOut = false;
        try {
            if (!process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                ProcessTree.kill(process, ownSessions, os, runId);
                process.waitFor(5, TimeUnit.SECONDS);
            }
            awaitPump(outPump, process);
            awaitPump(errPump, process);
        } catch (InterruptedException e) {
            ProcessTree.kill(process, ownSessions, os, runId);
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while the command ran; it was ended");
        } finally {
            out.finish();
            err.finish();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Integer exit = timedOut ? null : process.exitValue();
        return new CommandResult(exit, out.text(), err.text(), timedOut, elapsed,
                out.totalBytes(), err.totalBytes(), out.spillPath(), err.spillPath());
    }

    /** Writes the input and closes the pipe, so the command sees end of file. */
    private static Void feed(Process process, byte[] input) {
        try (java.io.OutputStream stdin = process.getOutputStream()) {
            stdin.write(input);
        } catch (IOException e) {
            // The command exited without reading all of it; its exit code tells the story.
        }
        return null;
    }

    private static Void pump(java.io.InputStream in, OutputCapture capture) throws IOException {
        try (in) {
            capture.drain(in);
        }
        return null;
    }

    /**
     * Waits for a stream to reach end of file. A grandchild that escaped the kill may still hold
     * the pipe open; after a bounded wait the stream is closed so the call always returns.
     */
    private static void awaitPump(Future<?> pump, Process process) throws InterruptedException {
        try {
            pump.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            closeQuietly(process);
            pump.cancel(true);
        } catch (java.util.concurrent.ExecutionException e) {
            // A read error leaves what was captured so far; the exit code still tells the story.
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }

    @Override
    public java.util.Optional<Map<String, String>> localEnvironment() {
        return java.util.Optional.of(environment.get());
    }

    @Override
    public ConnectionCheck test() {
        return new ConnectionCheck.Reachable(Duration.ZERO);
    }

    @Override
    public java.util.Optional<MemberOs> detectOs() {
        return java.util.Optional.of(os.os());
    }

    /** Local files need no session: every operation works on the file system directly. */
    @Override
    public FileSession files() {
        LinkFreeFolders folders = new LinkFreeFolders();
        return new FileSession() {
            @Override
            public void upload(Path localFile, String memberPath, long modifiedSeconds, Placement placement,
                               java.util.function.LongConsumer progress) throws IOException {
                Path to = path(memberPath);
                placement.check(LocalChannel.realPath(to));
                if (LinkFreePaths.SUPPORTED) {
                    LinkFreeCopies.upload(folders, localFile, to, modifiedSeconds, placement);
                    progress.accept(Files.size(localFile));
                    return;
                }
                // A part file renamed into place: an interrupted copy never leaves half a file under the name.
                Path part = PartFile.beside(to);
                try {
                    copy(localFile, part);
                    Files.setLastModifiedTime(part, java.nio.file.attribute.FileTime.from(modifiedSeconds,
                            java.util.concurrent.TimeUnit.SECONDS));
                    // Again right before the rename: a link made in the name since the first look is seen.
                    placement.check(LocalChannel.realPath(to));
                    Files.move(part, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(part);
                }
                progress.accept(Files.size(localFile));
            }

            @Override
            public void download(String memberPath, Path localFile, java.util.function.LongConsumer progress) throws IOException {
                if (LinkFreePaths.SUPPORTED) {
                    LinkFreeCopies.download(folders, path(memberPath), localFile);
                } else {
                    copy(path(memberPath), localFile);
                }
                progress.accept(Files.size(localFile));
            }

            @Override
            public java.util.Map<String, FileStat> listFileStats(String memberPath) throws IOException {
                java.util.Map<String, FileStat> stats = new java.util.LinkedHashMap<>();
                for (String f : LocalChannel.listFiles(path(memberPath))) {
                    // A link to a file is listed with its target's attributes, as SFTP lists it: whether
                    // it may be read (its target in the work folder) is judged per file, with a result.
                    FileStat s = FileStat.ofTarget(Path.of(f));
                    if (s != null) {
                        stats.put(f, s);
                    }
                }
                return stats;
            }

            @Override
            public java.util.Map<String, FileStat> describe(java.util.Collection<String> memberFolders) throws IOException {
                java.util.Map<String, FileStat> stats = new java.util.HashMap<>();
                for (String folder : memberFolders) {
                    Path dir = Path.of(folder);
                    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                        for (Path e : entries) {
                            FileStat s = FileStat.ofLocal(e);
                            if (s != null) {
                                stats.put(e.toString(), s);
                            }
                        }
                    }
                }
                return stats;
            }

            @Override
            public void removeFile(String memberPath) throws IOException {
                Files.deleteIfExists(Path.of(memberPath));
            }

            @Override
            public String realPath(String memberPath) throws IOException {
                return LocalChannel.realPath(path(memberPath));
            }

            @Override
            public String realPathAfresh(String memberPath) throws IOException {
                // This machine's paths are resolved by the kernel on every call: nothing is kept.
                return realPath(memberPath);
            }

            @Override
            public void close() {
                folders.close();
            }
        };
    }

    /** A member path as the file system's: a string no path can be (a NUL) fails like any other bad path, as over SFTP. */
    private static Path path(String memberPath) throws IOException {
        try {
            return Path.of(memberPath);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IOException("not a valid path on this machine: " + e.getReason(), e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            throw new NoSuchFileException(from.toString(), null, "not a regular file");
        }
        Path parent = to.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // A new file only (callers copy to fresh part files): a file or link already there is never written through.
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static List<String> listFiles(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root.toString());
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static String realPath(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p.toString();
        }
        return existing.toRealPath().resolve(existing.relativize(p)).toString();
    }

    @Override
    public void close() {
        // Nothing pooled for local members.
    }
}
