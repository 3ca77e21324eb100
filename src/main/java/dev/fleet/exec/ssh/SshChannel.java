package dev.fleet.exec.ssh;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.ConnectionCheck;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.FileStat;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.exec.OutputCapture;
import dev.fleet.exec.PartFile;
import dev.fleet.exec.RunTag;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.os.OsDetection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * A remote member over a pooled SSH connection: commands on exec channels, files over SFTP.
 *
 * <p>A call that finds its pooled connection dead (dropped, server restarted) retries once on a
 * fresh connection, but only if the command had not started: a command that may have run is never
 * run twice. A timeout ends the remote command and every process it started (they carry a run tag
 * in their environment), not only the channel.
 */
public final class SshChannel implements MemberChannel {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);
    /** How long a transport failure may wait for its session to show that it is closing. */
    private static final Duration CLOSE_SETTLE = Duration.ofMillis(300);
    /**
     * How long the member's copy tool may take to finish after a streamed upload's last byte: the
     * bytes still in flight (a channel window, 2 MiB from OpenSSH) written to a slow disk.
     */
    private static final Duration STREAM_EXIT_WAIT = Duration.ofMinutes(2);
    /** As many links as Linux follows in one path. */
    private static final int MAX_LINKS = 40;

    private final String memberId;
    private final SshTarget target;
    private final SshPool pool;
    private final OsCommands os;
    private final SpillFiles spillFiles;

    /** {@code memberId}: the member this channel reaches, whose run tag its commands carry. */
    public SshChannel(String memberId, SshTarget target, SshPool pool, OsCommands os, SpillFiles spillFiles) {
        this.memberId = memberId;
        this.target = target;
        this.pool = pool;
        this.os = os;
        this.spillFiles = spillFiles;
    }

    @Override
    public OsCommands os() {
        return os;
    }

    @Override
    public CommandResult exec(CommandRequest request) throws ChannelException {
        // The tag names the member, so any fleet server's activity check can find this command.
        String runId = RunTag.next(memberId, request.look());
        return run(os.remoteCommand(request.script(), request.workFolder(), runId), runId, request);
    }

    private CommandResult run(String commandLine, String runId, CommandRequest request) throws ChannelException {
        for (int attempt = 1; ; attempt++) {
            try (SshPool.Lease lease = pool.lease(target)) {
                try {
                    return runOn(lease.session(), commandLine, runId, request);
                } catch (NotStarted e) {
                    NotStarted last = e;
                    if (lease.dropKeptSftp()) {
                        // Refused, maybe, for the server's session limit, which a kept SFTP session counts against.
                        try {
                            return runOn(lease.session(), commandLine, runId, request);
                        } catch (NotStarted again) {
                            last = again;
                        }
                    }
                    // Dead, or refusing channels (its server's session limit): new work goes to a fresh
                    // connection; commands still running on this one are not cut off.
                    lease.retire();
                    if (attempt == 2) {
                        throw new ChannelException("connection to " + target.address() + " failed: " + last.getMessage(), last);
                    }
                }
            }
        }
    }

    private CommandResult runOn(ClientSession session, String commandLine, String runId, CommandRequest request)
            throws ChannelException, NotStarted {
        OutputCapture out = request.stdoutCapture(() -> spillFiles.next("stdout"));
        OutputCapture err = request.stderrCapture(() -> spillFiles.next("stderr"));
        long start = System.nanoTime();
        ChannelExec channel;
        try {
            channel = OrderlyExec.on(session, commandLine);
            // Input is pumped by a thread MINA starts for the channel; without input there is no
            // pump: the channel's own input stream is closed at once, so the command sees end of file.
            if (request.stdin() != null) {
                channel.setIn(new ByteArrayInputStream(request.stdin()));
            }
            channel.setOut(out.sink());
            channel.setErr(err.sink());
            channel.open().verify(OPEN_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            throw new NotStarted(e);
        }
        if (request.stdin() == null) {
            endInput(channel);
        }
        boolean timedOut = false;
        try {
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS),
                    request.timeout());
            if (!events.contains(ClientChannelEvent.EXIT_STATUS) && !events.contains(ClientChannelEvent.CLOSED)) {
                timedOut = true;
                endRemote(session, runId);
            } else {
                // Exit status can arrive before the last output; wait briefly for the channel to close.
                channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            }
            Integer exit = channel.getExitStatus();
            if (!timedOut && exit == null) {
                throw new ChannelException("connection to " + target.address() + " was lost while the command ran "
                        + "(it may have been cut off on the member)");
            }
            return new CommandResult(timedOut ? null : exit, out.text(), err.text(), timedOut,
                    Duration.ofNanos(System.nanoTime() - start), out.totalBytes(), err.totalBytes(), out.spillPath(), err.spillPath());
        } finally {
            channel.close(true);
            out.finish();
            err.finish();
        }
    }

    /**
     * Sends end of file on a started command's input. Not a reason to start it again when it
     * fails: the command was asked for already, and a connection that broke shows as one.
     */
    private static void endInput(ChannelExec channel) {
        try {
            channel.getInvertedIn().close();
        } catch (IOException e) {
            // The wait that follows sees the channel closed without an exit status: "connection lost".
        }
    }

    /** Ends the tagged command tree over a fresh channel; best effort, bounded. */
    private void endRemote(ClientSession session, String runId) {
        try {
            ChannelExec kill = OrderlyExec.on(session, os.killTagged(runId));
            kill.open().verify(OPEN_TIMEOUT);
            kill.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
            kill.close(true);
        } catch (IOException | RuntimeException e) {
            // The channel close that follows still hangs up on the command.
        }
    }

    @Override
    public ConnectionCheck test() {
        try {
            long start = System.nanoTime();
            CommandResult r = run(os.remoteCommand("echo ok", null, "probe"), "probe", CommandRequest.probe("echo ok", OPEN_TIMEOUT));
            if (!r.succeeded()) {
                return new ConnectionCheck.Unreachable("the member answered, but a test command failed: "
                        + r.stderr().strip().lines().findFirst().orElse("exit " + r.exitCode()));
            }
            return new ConnectionCheck.Reachable(Duration.ofNanos(System.nanoTime() - start));
        } catch (ChannelException e) {
            return new ConnectionCheck.Unreachable(e.getMessage());
        }
    }

    @Override
    public Optional<MemberOs> detectOs() throws ChannelException {
        // Sent as is: the OS, and so the right way to wrap commands, is what is being asked.
        CommandResult r = run(OsDetection.COMMAND, "detect", CommandRequest.probe(OsDetection.COMMAND, OPEN_TIMEOUT));
        return OsDetection.parse(r.stdout());
    }

    /**
     * One pooled channel and one SFTP session for the whole batch: the session an earlier batch
     * left open on the connection where there is one ({@link SshPool#SFTP_KEPT}), else a new one.
     * On close both are given back, the session kept open for the next batch where the batch
     * ended without a failure.
     */
    @Override
    public FileSession files() throws ChannelException {
        SshPool.KeptSftp kept = pool.takeKeptSftp(target);
        if (kept != null) {
            return session(kept.lease(), kept.sftp());
        }
        SshPool.Lease lease = pool.lease(target);
        try {
            lease.copiesFiles();
            return session(lease, sftp(lease.session()));
        } catch (ChannelException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    public void endKeptFileSession() {
        pool.dropKeptSftp(target);
    }

    private SftpSession session(SshPool.Lease lease, FlightSftpClient sftp) {
        return new SftpSession(lease, sftp, target.address(), os, memberId, pool.streamsUploads(), this::takesStreamedWrites,
                this::extractsArchives);
    }

    /**
     * The member's answer to {@link OsCommands#streamedWriteCheck}, asked on {@code session} as any
     * command runs there; empty when there was no answer, which {@link StreamedWrites#works} does
     * not keep.
     */
    private Optional<Boolean> takesStreamedWrites(ClientSession session) {
        return os.streamedWriteCheck().map(check -> answer(session, check, "streamed-write-check")
                .map(out -> out.equals(OsCommands.STREAMED_WRITE_OK))).orElse(Optional.of(false));
    }

    /**
     * The member's umask where its tar takes archives ({@link OsCommands#archiveExtractCheck}),
     * else {@link ArchiveUploads#NO_ARCHIVES}; empty when there was no answer, which is not kept.
     */
    private Optional<Integer> extractsArchives(ClientSession session) {
        return os.archiveExtractCheck().map(check -> answer(session, check, "archive-extract-check")
                .map(ArchiveUploads::umaskAfterMark)).orElse(Optional.of(ArchiveUploads.NO_ARCHIVES));
    }

    /**
     * What {@code check} printed on {@code session} (stripped) where it succeeded, "" where it
     * failed; empty when there was no answer at all (the command could not start, timed out, or
     * ended without an exit status).
     */
    private Optional<String> answer(ClientSession session, String check, String runId) {
        try {
            CommandResult r = runOn(session, os.remoteCommand(check, null, runId), runId, CommandRequest.probe(check, OPEN_TIMEOUT));
            if (r.timedOut() || r.exitCode() == null) {
                return Optional.empty();
            }
            return Optional.of(r.succeeded() ? r.stdout().strip() : "");
        } catch (ChannelException | NotStarted e) {
            return Optional.empty();
        }
    }

    private static final class SftpSession implements FileSession {
        private final SshPool.Lease lease;
        private final FlightSftpClient sftp;
        private final String address;
        /** The member's OS: which characters separate the names of its paths. */
        private final MemberOs memberOs;
        private final OsCommands os;
        /** The member whose run tag a streamed upload carries. */
        private final String memberId;
        /** Whether large uploads may go as a stream ({@link StreamedWrites}) where the member takes one. */
        private final boolean streamUploads;
        /** Asks a connection's member whether it takes streamed writes ({@link StreamedWrites#works}). */
        private final java.util.function.Function<ClientSession, Optional<Boolean>> asksStreams;
        private final ResolvedFolders folders;
        /** Folders this session has seen exist or has made: a folder of many files asks about each once. */
        private final java.util.Set<String> madeFolders = new java.util.HashSet<>();
        private final ArchiveUploads archives;
        /** Whether an operation of this batch failed (a placement's refusal aside): its session is not kept. */
        private boolean failed;

        SftpSession(SshPool.Lease lease, FlightSftpClient sftp, String address, OsCommands os, String memberId, boolean streamUploads,
                java.util.function.Function<ClientSession, Optional<Boolean>> asksStreams,
                java.util.function.Function<ClientSession, Optional<Integer>> asksArchives) {
            this.lease = lease;
            this.sftp = sftp;
            this.address = address;
            this.memberOs = os.os();
            this.os = os;
            this.memberId = memberId;
            this.streamUploads = streamUploads;
            this.asksStreams = asksStreams;
            this.folders = new ResolvedFolders(memberOs);
            this.archives = new ArchiveUploads(sftp, folders, this::placedFolder, os, memberId, asksArchives);
        }

        /** Asked by the first copy, so a batch that only lists or stats pays no round trip for it. */
        private SftpRequestSizes sizes() {
            return SftpRequestSizes.of(lease.session(), sftp);
        }

        /** One SFTP operation. */
        private interface SftpCall<T> {
            T run() throws IOException;
        }

        /**
         * Runs one operation. If the connection is gone, before or during it, the error says so in
         * words ({@code during}: how far it got) instead of the SSH library's internals; any other
         * I/O error passes as it is.
         */
        private <T> T overConnection(SftpCall<T> call, java.util.function.Supplier<String> during)
                throws IOException, ChannelException {
            if (!connected()) {
                failed = true;
                throw new ChannelException("the connection to " + address + " was lost before this file; not copied");
            }
            try {
                return call.run();
            } catch (Refused e) {
                // The placement's answer, given before the file's requests or after their replies.
                throw e;
            } catch (IOException e) {
                failed = true;
                if (stillConnected(e)) {
                    throw e;
                }
                throw new ChannelException("the connection to " + address + " was lost " + during.get(), e);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        /**
         * Whether the connection is still up after {@code e}. A write aborted by the transport
         * can arrive a moment before the session knows that it is closing, so such a failure is
         * given that moment (at most {@link #CLOSE_SETTLE}) before it is told apart from a
         * failure on a live connection; an SFTP status error is the server's answer and needs none.
         */
        private boolean stillConnected(IOException e) {
            if (!(e instanceof SftpException) && connected()) {
                lease.session().waitFor(EnumSet.of(ClientSessionEvent.CLOSED), CLOSE_SETTLE);
            }
            return connected();
        }

        /** One file's copy, reporting the bytes passed so far. */
        private interface Copy {
            void run(LongConsumer progress) throws IOException;
        }

        /**
         * A copy of one file; cut off by a lost connection, the error tells how many of its bytes had
         * passed. Progress only goes up: a copy that starts over another way (streams that could not
         * all start, then SFTP writes from the first byte) is silent until it passes what was told.
         */
        private void copyOne(LongConsumer progress, Copy copy) throws IOException, ChannelException {
            long[] passed = {0};
            overConnection(() -> {
                copy.run(done -> {
                    if (done > passed[0]) {
                        passed[0] = done;
                        progress.accept(done);
                    }
                });
                return null;
            }, () -> "after " + passed[0] + " bytes of this file; the partial copy was not put in its place");
        }

        private boolean connected() {
            ClientSession session = lease.session();
            return sftp.isOpen() && session.isOpen() && !session.isClosing();
        }

        /**
         * Writes a part file beside the destination and renames it into place once complete, so a
         * transfer cut off midway leaves the earlier file (or none) under the name, never half a file.
         */
        @Override
        public void upload(Path localFile, String memberPath, long modifiedSeconds, Placement placement, LongConsumer progress)
                throws IOException, ChannelException {
            try {
                copyOne(progress, p -> uploadVia(localFile, memberPath, modifiedSeconds, placement, p));
            } catch (SftpException e) {
                throw explained(e, memberPath);
            }
        }

        /**
         * The server's refusal in words a user can act on when a name was too long: OpenSSH answers
         * a name or path past the file system's limit (ENAMETOOLONG) with the bare status "Bad
         * message", and other servers with a general failure. Any other refusal passes as it is.
         */
        private IOException explained(SftpException e, String memberPath) {
            String tooLong = MemberPaths.tooLongName(memberPath, memberOs);
            if (tooLong != null) {
                // Measured as the member's OS measures it: UTF-16 units on Windows, bytes elsewhere.
                String size = memberOs == MemberOs.WINDOWS ? tooLong.length() + " characters"
                        : tooLong.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes";
                return new IOException(memberPath + " holds a name of " + size + ": " + MemberPaths.nameLimitRule(memberOs)
                        + "; not copied", e);
            }
            if (e.getStatus() == SftpConstants.SSH_FX_BAD_MESSAGE) {
                // Every name fits (checked above), so it is most likely the whole path: say how long it is.
                return new IOException("the member refused " + memberPath + " (\"" + e.getMessage() + "\"): the path is "
                        + memberPath.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes, longer than its file "
                        + "system allows (4,096 bytes a path on Linux, 1,024 on macOS); not copied", e);
            }
            return e;
        }

        /** Many small files as archives where the member takes them ({@link ArchiveUploads}); streams turned off: each goes alone. */
        @Override
        public List<Together> uploadTogether(List<Upload> uploads, Placement placement) throws ChannelException {
            if (!streamUploads) {
                return FileSession.super.uploadTogether(uploads, placement);
            }
            try {
                List<Together> sent = archives.send(lease, uploads, placement);
                if (sent.stream().anyMatch(t -> t instanceof Together.Failed f && !(f.error() instanceof Refused))) {
                    failed = true;
                }
                return sent;
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        /**
         * Shows where {@code memberPath} lies to {@code placement} before anything is made (a folder
         * on the way that leads elsewhere is refused here, {@link Refused}), makes its folders, and
         * returns it with its folder, which exists now, resolved once for the session and its name
         * as written; null for a path resolved whole (checked whole).
         */
        private String placedFolder(String memberPath, Placement placement) throws IOException {
            String before = folders.folderResolved(sftp, memberPath);
            placement.check(before != null ? before : folders.realPath(sftp, memberPath));
            String folder = MemberPaths.parent(memberPath, memberOs);
            if (folder != null && folders.seenAsFolder(folder)) {
                // Its look just now found a folder there: asking again whether it is one would cost a round trip.
                madeFolders.add(folder);
            }
            makeParents(sftp, memberPath, madeFolders, memberOs);
            return before == null ? null : folders.folderResolved(sftp, memberPath);
        }

        private void uploadVia(Path localFile, String memberPath, long modifiedSeconds, Placement placement, LongConsumer progress)
                throws IOException {
            // The name is looked at with the last bytes.
            String candidate = placedFolder(memberPath, placement);
            String part = PartFile.beside(memberPath, memberOs);
            int mode = CopiedModes.of(localFile);
            boolean placed = false;
            try {
                SftpClient.Attributes own;
                try (FileChannel in = FileChannel.open(localFile, StandardOpenOption.READ)) {
                    own = copyInto(part, in, mode, modifiedSeconds, candidate, memberPath, progress);
                }
                // Right before the rename, from the name as it was a moment ago: a link made there since the plan is seen.
                placement.check(candidate == null ? folders.realPath(sftp, memberPath) : folders.named(sftp, candidate, own));
                replace(part, memberPath);
                placed = true;
            } finally {
                if (!placed) {
                    removeQuietly(part);
                }
            }
        }

        /**
         * Copies {@code in} into {@code part}, a new file, and closes it with the given time. A file
         * that fits one write request goes in one flight of requests with its time, the close and
         * the lstat of {@code candidate} (the destination's name, when given): one round trip after
         * the open. A larger one is written first (streamed, or in pipelined SFTP writes), then the
         * same flight ends it. Returns the lstat's answer (null: nothing there, or none asked).
         */
        private SftpClient.Attributes copyInto(String part, FileChannel in, int mode, long modifiedSeconds, String candidate,
                String memberPath, LongConsumer progress) throws IOException {
            SftpClient.CloseableHandle handle = sftp.open(part,
                    SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive);
            FlightSftpClient.Flight last = sftp.flight();
            try {
                // Before the first byte: the copy gets the file's own permission bits, so a file only
                // its owner may read is never readable by others on the member, not even midway.
                SftpClient.Attributes perms = mode != CopiedModes.UNKNOWN && mode != CopiedModes.USUAL
                        ? new SftpClient.Attributes().perms(mode) : null;
                ReadableByteChannel counted = new CountingChannel(in, progress);
                int request = sizes().write();
                if (in.size() <= request) {
                    if (perms != null) {
                        last.setAttributes(handle, perms);
                    }
                    last.writeAll(handle, 0, counted, request, in.size());
                } else {
                    if (perms != null) {
                        sftp.setStat(handle, perms);
                    }
                    if (!streamed(in, part, handle, counted, progress, memberPath)) {
                        try (SftpOutputStreamAsync out = PipelinedWrites.to(sftp, part, handle, request)) {
                            // Reads the file straight into each request's buffer: one copy of every byte fewer.
                            out.transferFrom(counted, Long.MAX_VALUE);
                        }
                    }
                }
                java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.from(modifiedSeconds,
                        java.util.concurrent.TimeUnit.SECONDS);
                last.setAttributes(handle, new SftpClient.Attributes().modifyTime(t).accessTime(t));
            } catch (IOException | RuntimeException e) {
                try {
                    last.close(handle);
                    last.finish();
                } catch (IOException | RuntimeException also) {
                    e.addSuppressed(also);
                }
                throw e;
            }
            last.close(handle);
            if (candidate != null) {
                last.lstat(candidate);
            }
            return last.finish();
        }

        /**
         * Sends a large file into {@code part}, the empty file just created over SFTP (open as
         * {@code handle}), as one stream ({@link StreamedWrites}) where the member takes it and a
         * second channel of the connection is free at once, or as several side by side, each
         * writing its own region ({@link RegionStreams}), where the member is far enough for one
         * stream's window to hold it back and more channels are free; returns false, with
         * nothing promised about the part file's bytes, where the SFTP writes should do it
         * instead. What arrived is checked on the handle: the very file fleet created must hold
         * every byte, or the copy fails. {@code source} reads {@code file} from its start and
         * tells {@code progress}; several streams read {@code file} by position and tell it too.
         */
        private boolean streamed(FileChannel file, String part, SftpClient.CloseableHandle handle, ReadableByteChannel source,
                LongConsumer progress, String memberPath) throws IOException {
            long size = file.size();
            if (!streamUploads || size < StreamedWrites.SMALLEST_FILE) {
                return false;
            }
            Optional<String> script = os.streamedWrite(part, false);
            if (script.isEmpty()) {
                return false;
            }
            int wanted = os.streamedWriteAt(part, 0).isPresent() ? RegionStreams.count(lease.session(), size) : 1;
            List<SshPool.Lease> streams = new ArrayList<>();
            try {
                for (int i = 0; i < wanted; i++) {
                    SshPool.Lease more = lease.alsoIfFree();
                    if (more == null) {
                        break;
                    }
                    streams.add(more);
                }
                if (streams.isEmpty() || !StreamedWrites.works(streams.get(0).session(), asksStreams)) {
                    return false;
                }
                ClientSession session = streams.get(0).session();
                StreamedWrites.Outcome outcome = streams.size() == 1
                        ? StreamedWrites.write(session, os, script.get(), RunTag.next(memberId, false), source, STREAM_EXIT_WAIT)
                        : RegionStreams.write(session, streams.size(), os, part, file, progress, () -> RunTag.next(memberId, false),
                                STREAM_EXIT_WAIT);
                if (outcome instanceof StreamedWrites.NotStarted) {
                    return false;
                }
                if (outcome instanceof StreamedWrites.Failed failed) {
                    throw new IOException("the member could not write " + memberPath
                            + (failed.said().isEmpty() ? " (exit " + failed.exit() + ")" : ": " + failed.said()) + "; not copied");
                }
                long written = ((StreamedWrites.Written) outcome).bytes();
                long arrived = sftp.stat(handle).getSize();
                if (arrived != written) {
                    throw new IOException("the copy of " + memberPath + " on the member holds " + arrived + " bytes, not the "
                            + written + " sent (its part file was changed meanwhile); not copied");
                }
                return true;
            } finally {
                streams.forEach(SshPool.Lease::close);
            }
        }

        /** Renames over an existing file: atomically where the server offers POSIX rename (OpenSSH does). */
        private void replace(String from, String to) throws IOException {
            if (sftp.renamesPosix()) {
                sftp.getExtension(OpenSSHPosixRenameExtension.class).posixRename(from, to);
                return;
            }
            try {
                sftp.rename(from, to, SftpClient.CopyMode.Overwrite);
            } catch (SftpException | UnsupportedOperationException refused) {
                // An SFTP status error is the server refusing; UnsupportedOperationException is MINA
                // refusing to ask, since an SFTP v3 server has no overwriting rename. In both cases
                // the old file is moved aside and the new one renamed into its place. A lost
                // connection is an IOException of another kind and is not caught here.
                renameAside(from, to, refused);
            }
        }

        private void renameAside(String from, String to, Exception refused) throws IOException {
            String aside = PartFile.aside(to, memberOs);
            boolean hadOld = exists(to);
            if (hadOld) {
                sftp.rename(to, aside);
            }
            try {
                sftp.rename(from, to);
            } catch (IOException renameFailed) {
                renameFailed.addSuppressed(refused);
                if (hadOld) {
                    sftp.rename(aside, to);
                }
                throw renameFailed;
            }
            if (hadOld) {
                removeQuietly(aside);
            }
        }

        private boolean exists(String path) throws IOException {
            try {
                sftp.lstat(path);
                return true;
            } catch (SftpException e) {
                if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    return false;
                }
                throw e;
            }
        }

        private void removeQuietly(String path) {
            try {
                sftp.remove(path);
            } catch (IOException | RuntimeException e) {
                // The session may be gone (that is often why): the part file keeps its own name.
            }
        }

        @Override
        public void download(String memberPath, Path localFile, LongConsumer progress) throws IOException, ChannelException {
            try {
                copyOne(progress, p -> downloadVia(memberPath, localFile, p));
            } catch (SftpException e) {
                throw explained(e, memberPath);
            }
        }

        private void downloadVia(String memberPath, Path localFile, LongConsumer progress) throws IOException {
            Path parent = localFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            int request = sizes().read();
            SftpClient.CloseableHandle handle = sftp.open(memberPath, SftpClient.OpenMode.Read);
            boolean closed = false;
            try {
                // Its attributes and first bytes in one round trip: a small file comes whole.
                FlightSftpClient.FirstRead first = sftp.firstRead(handle, request);
                // Earlier closes not waited for were answered before these replies: read without a wait.
                sftp.settle();
                // The copy gets the member file's permission bits (this machine's umask applies), set as
                // it is created: a file only its owner may read there is never readable by others here.
                int mode = first.attributes().getPermissions() & CopiedModes.BITS;
                byte[] head = first.bytes();
                // A new file only: a file or link already under this name is never written through.
                try (OutputStream out = CopiedModes.createNew(localFile, mode)) {
                    out.write(head);
                    progress.accept(head.length);
                    if (head.length == request || head.length < first.attributes().getSize()
                            || !first.attributes().getFlags().contains(SftpClient.Attribute.Size)) {
                        // More may follow (a read may also come back short before the end, where the
                        // size is not stated): read on from there, reads pipelined, until the member says the end.
                        try (InputStream rest = new SftpInputStreamAsync(sftp, request, head.length, first.attributes().getSize(),
                                memberPath, handle, false)) {
                            copy(rest, out, request, done -> progress.accept(head.length + done));
                        }
                    }
                }
                // Only read: its close need not be waited for.
                sftp.closeUnwaited(handle);
                closed = true;
            } finally {
                if (!closed) {
                    closeQuietly(handle);
                }
            }
        }

        /** After a failure, which is what is told: the session is not kept after it either way. */
        private static void closeQuietly(SftpClient.CloseableHandle handle) {
            try {
                handle.close();
            } catch (IOException | RuntimeException e) {
                // The session may be gone (that is often why).
            }
        }

        @Override
        public java.util.Map<String, FileStat> listFileStats(String memberPath) throws IOException, ChannelException {
            return overConnection(() -> statsOf(memberPath), () -> "while listing it; not copied");
        }

        private java.util.Map<String, FileStat> statsOf(String memberPath) throws IOException {
            java.util.Map<String, FileStat> stats = new java.util.TreeMap<>();
            SftpClient.Attributes attrs;
            try {
                attrs = sftp.stat(memberPath);
            } catch (SftpException e) {
                if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    return stats;
                }
                throw e;
            }
            if (attrs.isRegularFile()) {
                stats.put(memberPath, stat(attrs));
            } else if (attrs.isDirectory()) {
                walkStats(sftp::list, memberPath, stats, 0, memberOs);
            }
            return stats;
        }

        @Override
        public java.util.Map<String, FileStat> describe(java.util.Collection<String> memberFolders)
                throws IOException, ChannelException {
            return overConnection(() -> statsIn(sftp::list, memberFolders, memberOs), () -> "while comparing files; nothing was copied");
        }

        @Override
        public void removeFile(String memberPath) throws IOException {
            try {
                sftp.remove(memberPath);
            } catch (SftpException e) {
                if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    failed = true;
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public String realPath(String memberPath) throws IOException, ChannelException {
            return overConnection(() -> folders.realPath(sftp, memberPath), () -> "while checking where it lies; not copied");
        }

        @Override
        public String realPathAfresh(String memberPath) throws IOException, ChannelException {
            // Past this session's resolved folders: an lstat of every part of the path, and a readlink of every link, now.
            return overConnection(() -> resolveLinks(sftp, memberPath, memberOs), () -> "while checking where it lies");
        }

        /**
         * Keeps the SFTP session open for the next batch ({@link SshPool.Lease#keepSftp}) where
         * nothing in this one failed: a failure can leave requests whose replies were never read,
         * or a file open on the member. Else closes it and gives its channel back.
         */
        @Override
        public void close() throws IOException {
            if (!failed && connected()) {
                try {
                    sftp.settle();
                    if (lease.keepSftp(sftp)) {
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    // Not kept then; closed below as any other.
                }
            }
            try {
                sftp.close();
            } finally {
                lease.close();
            }
        }
    }

    /** A file being sent, telling how much of it has been read. */
    private static final class CountingChannel implements ReadableByteChannel {
        private final ReadableByteChannel file;
        private final LongConsumer progress;
        private long done;

        CountingChannel(ReadableByteChannel file, LongConsumer progress) {
            this.file = file;
            this.progress = progress;
        }

        @Override
        public int read(ByteBuffer into) throws IOException {
            int n = file.read(into);
            if (n > 0) {
                done += n;
                progress.accept(done);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Copies in pieces of one SFTP request, so each local read or write matches one request. */
    private static void copy(InputStream in, OutputStream out, int piece, LongConsumer progress) throws IOException {
        byte[] buf = new byte[piece];
        long done = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            out.write(buf, 0, n);
            done += n;
            progress.accept(done);
        }
    }

    private static FileStat stat(SftpClient.Attributes a) {
        return new FileStat(a.getSize(), seconds(a.getModifyTime()), seconds(a.getAccessTime()));
    }

    /** A time the server stated, in whole seconds; -1 when it stated none. */
    private static long seconds(java.nio.file.attribute.FileTime t) {
        return t == null ? -1 : t.to(java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * The regular files right in {@code memberFolders}, by their paths on the member: each folder's
     * path and the file's name joined with the member's separator, so that they are the very
     * strings {@link MemberPaths#join} gives the same files as destinations.
     */
    static java.util.Map<String, FileStat> statsIn(Listing listing, java.util.Collection<String> memberFolders, MemberOs os)
            throws IOException {
        java.util.Map<String, FileStat> stats = new java.util.HashMap<>();
        for (String folder : memberFolders) {
            List<SftpClient.DirEntry> entries;
            try {
                entries = listing.of(folder);
            } catch (SftpException e) {
                if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    continue;
                }
                throw e;
            }
            for (SftpClient.DirEntry e : entries) {
                if (e.getAttributes().isRegularFile()) {
                    stats.put(child(folder, e.getFilename(), os), stat(e.getAttributes()));
                }
            }
        }
        return stats;
    }

    /**
     * One folder's entries on the member ({@link FlightSftpClient#list}); a folder that is not
     * there throws the server's refusal.
     */
    interface Listing {
        List<SftpClient.DirEntry> of(String folder) throws IOException;
    }

    private static String child(String dir, String name, MemberOs os) {
        return MemberPaths.join(dir, List.of(name), os);
    }

    /**
     * Regular files and links below {@code dir} with their size and time (links get none, so they
     * never look unchanged); stops at a depth of 64 (a link loop or an absurdly deep tree).
     */
    static void walkStats(Listing listing, String dir, java.util.Map<String, FileStat> files, int depth, MemberOs os)
            throws IOException {
        if (depth > 64) {
            return;
        }
        for (SftpClient.DirEntry e : listing.of(dir)) {
            String name = e.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            String path = child(dir, name, os);
            SftpClient.Attributes a = e.getAttributes();
            if (a.isDirectory()) {
                walkStats(listing, path, files, depth + 1, os);
            } else if (a.isRegularFile() || a.isSymbolicLink()) {
                files.put(path, a.isRegularFile() ? stat(a) : new FileStat(-1, -1));
            }
        }
    }

    /**
     * Resolves symbolic links component by component with lstat and readlink, as the kernel would.
     * SFTP servers differ in whether realpath follows links, so fleet does not rely on it. Parts that
     * do not exist yet are kept as written; more than 40 links (a loop) is an error, never a guess.
     * On a Windows member the path and each link's target are read by Windows' rules
     * ({@link MemberPaths#windowsPath}), and the result is in the form OpenSSH for Windows uses over
     * SFTP ({@code /C:/Users/x/work}).
     */
    static String resolveLinks(SftpClient sftp, String path, MemberOs os) throws IOException {
        return resolve(sftp, path, os).path();
    }

    /**
     * Where {@link #resolveLinks} ended, whether every part of the path exists (none was kept by
     * name only), and whether its last part was seen to be a folder (false where not known: a path
     * ending in {@code ..}, a root).
     */
    record Resolved(String path, boolean exists, boolean folder) {
    }

    static Resolved resolve(SftpClient sftp, String path, MemberOs os) throws IOException {
        LinkRules rules = os == MemberOs.WINDOWS ? WINDOWS_LINKS : POSIX_LINKS;
        Placed start = rules.place(path, path);
        String root = start.root();
        java.util.Deque<String> unresolved = new java.util.ArrayDeque<>(start.names());
        java.util.Deque<String> resolved = new java.util.ArrayDeque<>();
        // Answers asked ahead (see lookAhead), by the exact name asked; emptied at every link.
        java.util.Map<String, Object> ahead = new java.util.HashMap<>();
        int hops = 0;
        boolean beyondExisting = false;
        boolean lastIsFolder = false;
        while (!unresolved.isEmpty()) {
            String part = unresolved.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                // At a root it stays there, as the kernel (and Windows) have it.
                resolved.pollLast();
                lastIsFolder = false;
                continue;
            }
            rules.checkName(path, part);
            if (beyondExisting) {
                // Below a missing folder nothing can be a link: the rest is resolved by name only.
                resolved.addLast(part);
                continue;
            }
            String candidate = rules.spell(root, resolved) + (resolved.isEmpty() ? "" : "/") + part;
            SftpClient.Attributes attrs;
            try {
                if (sftp instanceof FlightSftpClient flight && !ahead.containsKey(candidate)) {
                    lookAhead(flight, plainWalk(rules, path, root, resolved, part, unresolved), ahead);
                }
                attrs = ahead.isEmpty() ? sftp.lstat(candidate) : answered(ahead.get(candidate));
            } catch (SftpException e) {
                beyondExisting = true;
                resolved.addLast(part);
                continue;
            }
            if (!attrs.isSymbolicLink()) {
                resolved.addLast(part);
                lastIsFolder = attrs.isDirectory();
                continue;
            }
            // The path ahead is the link's now: what was asked for the old one is not used.
            ahead.clear();
            hops = countHop(hops, path);
            String link = sftp.readLink(candidate);
            Placed target = rules.isRelative(link) ? new Placed(null, List.of(link.split(rules.separators())))
                    : rules.place(path, link);
            if (target.root() != null) {
                root = target.root();
                resolved.clear();
            }
            List<String> parts = target.names();
            for (int i = parts.size() - 1; i >= 0; i--) {
                unresolved.addFirst(parts.get(i));
            }
        }
        return new Resolved(rules.spell(root, resolved), !beyondExisting, !beyondExisting && lastIsFolder);
    }

    /** Most lstats one look-ahead sends: every part of a usual path, bounded for an unusual one. */
    private static final int LOOK_AHEAD = 32;

    /**
     * The names {@link #resolve} goes on to lstat from where it stands ({@code part} next) if no
     * part ahead is a link and every part exists, in the order it would ask them, up to
     * {@link #LOOK_AHEAD}; it stops before a name the walk would refuse.
     */
    private static List<String> plainWalk(LinkRules rules, String path, String root, java.util.Collection<String> resolved,
            String part, java.util.Collection<String> unresolved) {
        List<String> names = new ArrayList<>(resolved);
        List<String> asked = new ArrayList<>();
        List<String> parts = new ArrayList<>(unresolved.size() + 1);
        parts.add(part);
        parts.addAll(unresolved);
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!names.isEmpty()) {
                    names.remove(names.size() - 1);
                }
                continue;
            }
            try {
                rules.checkName(path, p);
            } catch (IOException refused) {
                break;
            }
            asked.add(rules.spell(root, names) + (names.isEmpty() ? "" : "/") + p);
            names.add(p);
            if (asked.size() == LOOK_AHEAD) {
                break;
            }
        }
        return asked;
    }

    /**
     * Sends an lstat for each of {@code names} before reading any reply, and keeps each answer
     * (the attributes, or the refusal) in {@code into}, replacing what it held. A walk asks the
     * parts of a path one after the other, each waiting for the one before: over a link with
     * latency each part cost a round trip (a work folder five parts deep, five; and the look after
     * a transfer as many again). Asked at once they cost one. The walk uses an answer only while
     * every part before it was a plain, existing entry, which is when it would have asked that
     * same name itself; the server answers requests in the order they came, so each answer is as
     * fresh as its own lstat would have been in the walk. A lost session throws.
     */
    private static void lookAhead(FlightSftpClient sftp, List<String> names, java.util.Map<String, Object> into)
            throws IOException {
        into.clear();
        FlightSftpClient.Replies replies = sftp.replies();
        List<Integer> asked = new ArrayList<>(names.size());
        for (String name : names) {
            asked.add(replies.lstat(name));
        }
        replies.finish();
        for (int i = 0; i < names.size(); i++) {
            into.put(names.get(i), replies.answer(asked.get(i)));
        }
    }

    /** An answer {@link #lookAhead} kept: the attributes, or its refusal thrown as the lstat would have thrown it. */
    private static SftpClient.Attributes answered(Object answer) throws SftpException {
        if (answer instanceof SftpException refused) {
            throw refused;
        }
        return (SftpClient.Attributes) answer;
    }

    /** A path taken apart: its root ({@code ""} for {@code /}, a drive on Windows; null for a relative link target) and names. */
    private record Placed(String root, List<String> names) {
    }

    /**
     * How a member's OS writes paths, for {@link #resolve}. On Windows: {@code /} and {@code \}
     * both separate names; a path or absolute link target may be written in any form of a drive's
     * root ({@code C:\}, {@code /C:/}, {@code \\?\C:\}) and comes out in the form OpenSSH for Windows
     * uses over SFTP ({@code /C:/Users/x/work}); a network share (UNC) or device path, a target
     * without a drive ({@code \x}) or relative to a drive's current folder ({@code C:x}), and a
     * name Windows does not keep as written (a trailing dot or space, a {@code :}) are refused,
     * naming the rule: fleet cannot tell where they lead.
     */
    private interface LinkRules {
        /** {@code p}, absolute, taken apart ({@code path} is the one being resolved, for messages). */
        Placed place(String path, String p) throws IOException;

        boolean isRelative(String target);

        /** A regular expression matching the separators of names. */
        String separators();

        void checkName(String path, String name) throws IOException;

        /** The path of {@code names} below {@code root}, as the SFTP server takes it. */
        String spell(String root, java.util.Collection<String> names);
    }

    private static final LinkRules POSIX_LINKS = new LinkRules() {
        @Override
        public Placed place(String path, String p) {
            return new Placed("", List.of(p.split("/")));
        }

        @Override
        public boolean isRelative(String target) {
            return !target.startsWith("/");
        }

        @Override
        public String separators() {
            return "/";
        }

        @Override
        public void checkName(String path, String name) {
            // Every name but NUL and '/' is kept as written.
        }

        @Override
        public String spell(String root, java.util.Collection<String> names) {
            return "/" + String.join("/", names);
        }
    };

    private static final LinkRules WINDOWS_LINKS = new LinkRules() {
        @Override
        public Placed place(String path, String p) throws IOException {
            MemberPaths.WindowsPath w = onADrive(path, MemberPaths.windowsPath(p));
            return new Placed(w.root(), w.names());
        }

        @Override
        public boolean isRelative(String target) {
            return MemberPaths.isWindowsRelative(target);
        }

        @Override
        public String separators() {
            return "[/\\\\]";
        }

        @Override
        public void checkName(String path, String name) throws IOException {
            String rule = MemberPaths.windowsNameRule(name);
            if (rule != null) {
                throw new MemberPaths.RefusedPath(path, rule);
            }
        }

        @Override
        public String spell(String root, java.util.Collection<String> names) {
            return sftpForm(root, names);
        }
    };

    /** {@code p} when it lies on a drive; a network share is not followed over SFTP. */
    private static MemberPaths.WindowsPath onADrive(String path, MemberPaths.WindowsPath p) throws MemberPaths.RefusedPath {
        if (p.network()) {
            throw new MemberPaths.RefusedPath(path, "it leads to the network share " + p.root()
                    + ", which is not followed over SFTP (a work folder lies on a drive of the member)");
        }
        return p;
    }

    /** A drive and names in the form OpenSSH for Windows gives over SFTP: {@code /C:/a/b}, {@code /C:/} for the root. */
    private static String sftpForm(String drive, java.util.Collection<String> names) {
        return "/" + drive + "/" + String.join("/", names);
    }

    private static int countHop(int hops, String path) throws IOException {
        if (hops + 1 > MAX_LINKS) {
            // Fail closed: a name kept unresolved would pass the boundary check wherever it leads.
            throw new IOException("more than " + MAX_LINKS + " symbolic links on the way to " + path + " (a loop?); refused");
        }
        return hops + 1;
    }

    /** Makes the folders missing above {@code path}; {@code known} holds those seen to exist, and gains those found or made. */
    private static void makeParents(SftpClient sftp, String path, java.util.Set<String> known, MemberOs os) throws IOException {
        String parent = MemberPaths.parent(path, os);
        if (parent == null || MemberPaths.isRoot(parent, os) || known.contains(parent)) {
            return;
        }
        try {
            if (sftp.stat(parent).isDirectory()) {
                known.add(parent);
                return;
            }
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw e;
            }
        }
        makeParents(sftp, parent, known, os);
        try {
            sftp.mkdir(parent);
        } catch (SftpException e) {
            if (!sftp.stat(parent).isDirectory()) {
                throw e;
            }
        }
        known.add(parent);
    }

    private FlightSftpClient sftp(ClientSession session) throws ChannelException {
        try {
            return FlightSftpClient.open(session);
        } catch (IOException e) {
            throw new ChannelException("cannot open SFTP on " + target.address() + ": " + e.getMessage(), e);
        }
    }

    /** The connection belongs to the pool; {@link SshChannels#release} ends it. */
    @Override
    public void close() {
        // Nothing held per channel object.
    }

    /** The command never started, so running it on a fresh connection cannot run it twice. */
    private static final class NotStarted extends Exception {
        NotStarted(Throwable cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }
    }
}
