package dev.fleet.exec.ssh;

import dev.fleet.exec.FileSession.Placement;
import dev.fleet.exec.FileSession.Refused;
import dev.fleet.exec.FileSession.Together;
import dev.fleet.exec.FileSession.Upload;
import dev.fleet.exec.PartFile;
import dev.fleet.exec.RunTag;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many small files to a member at once: their bytes as tar archives into the member's GNU tar,
 * each over an exec channel of its own ({@link ArchiveStream}, {@link OsCommands#archiveExtract};
 * up to {@link #MOST_ARCHIVES} side by side), each file into a part file beside its destination,
 * then the part files renamed into place over SFTP, many requests in the air at a time. Over
 * SFTP alone a small file costs an open, a flight of writes, times and close, and a rename: three
 * round trips and six requests, each its own packet, answered one by one. Here the bytes travel
 * as one stream, and each file costs a look at its name and a rename, sent without waiting for
 * each other.
 *
 * <p>What a copy alone promises holds here too. Before anything is made, a file's folder is
 * resolved and shown to the placement; right before the renames, each destination's name is
 * looked at and, where it is a link, judged where it leads. Tar creates each part file anew (a
 * link planted under that name is replaced, not followed), with the file's time and permission
 * bits. The archive names the part files by their real paths, each in a folder already resolved
 * and checked; tar follows a folder that was swapped for a link since, as SFTP's open would (see
 * {@link ResolvedFolders}).
 *
 * <p>Anything this way cannot do is left for the copy alone, with nothing left behind: a file too
 * large, a name resolved whole, a member without GNU tar or without POSIX renames over SFTP, a
 * tar that fails (its part files are removed), a rename that fails. A connection lost midway
 * leaves the files not yet renamed to the copy alone, which then says so.
 */
final class ArchiveUploads {
    /** Fewer files than this go alone: the archive costs a channel, a process and a question per connection. */
    static final int FEWEST = 16;
    /**
     * Larger files go alone. Below this a file's copy alone costs more round trips than bytes;
     * each file is held in memory once while it goes into the archive.
     */
    static final long LARGEST = 1024 * 1024;
    /** What a new file gets from the member's SFTP server where no bits are sent: 0666, the umask applied. */
    private static final int CREATED = 0666;
    /**
     * Staged files per archive: more go as several archives side by side, at most
     * {@link #MOST_ARCHIVES}, each on a channel of the connection that is free at once.
     */
    static final int FILES_PER_ARCHIVE = 250;
    static final int MOST_ARCHIVES = 4;
    /** How long tar may take after the archive's last byte: files in flight written to a slow disk. */
    private static final Duration EXIT_WAIT = Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(ArchiveUploads.class);
    /** Per connection: the member's umask where its tar takes archives ({@link OsCommands#archiveExtractCheck}), else -1. */
    private static final ConnectionAnswer<Integer> UMASK = new ConnectionAnswer<>();
    static final int NO_ARCHIVES = -1;

    /**
     * Shows where a member path lies to a placement before anything is made, makes its folders,
     * and returns it with its folder resolved; null for a path resolved whole (the session's
     * {@code placedFolder}, the same step a copy alone takes).
     */
    interface PlacedFolder {
        String of(String memberPath, Placement placement) throws IOException;
    }

    private final FlightSftpClient sftp;
    private final ResolvedFolders folders;
    private final PlacedFolder placedFolder;
    private final OsCommands os;
    private final MemberOs memberOs;
    private final String memberId;
    private final Function<ClientSession, Optional<Integer>> asksUmask;

    /**
     * {@code asksUmask}: the member's answer to {@link OsCommands#archiveExtractCheck} on a
     * connection (its umask, {@link #NO_ARCHIVES}), empty when there was none.
     */
    ArchiveUploads(FlightSftpClient sftp, ResolvedFolders folders, PlacedFolder placedFolder, OsCommands os, String memberId,
            Function<ClientSession, Optional<Integer>> asksUmask) {
        this.sftp = sftp;
        this.folders = folders;
        this.placedFolder = placedFolder;
        this.os = os;
        this.memberOs = os.os();
        this.memberId = memberId;
        this.asksUmask = asksUmask;
    }

    /** The umask printed after {@link OsCommands#ARCHIVE_EXTRACT_OK}; {@link #NO_ARCHIVES} for anything else. */
    static int umaskAfterMark(String out) {
        String mark = OsCommands.ARCHIVE_EXTRACT_OK + " ";
        if (!out.startsWith(mark) || !out.substring(mark.length()).matches("0?[0-7]{1,4}")) {
            return NO_ARCHIVES;
        }
        return Integer.parseInt(out.substring(mark.length()), 8) & CopiedModes.BITS;
    }

    /** What the member answered on {@code session}'s connection; null: not asked yet (tests). */
    static Integer known(ClientSession session) {
        return UMASK.known(session);
    }

    /** One file on its way: where its part file and destination lie (real folders), and its request numbers. */
    private static final class Staged {
        final int index;
        final Upload upload;
        final String destination;
        final String part;
        /** The permission bits it goes with. */
        final int bits;
        long bytes = -1;
        int asked;

        Staged(int index, Upload upload, String destination, String part, int bits) {
            this.index = index;
            this.upload = upload;
            this.destination = destination;
            this.part = part;
            this.bits = bits;
        }
    }

    /** See {@link dev.fleet.exec.FileSession#uploadTogether}; {@code lease} is the connection the SFTP session is on. */
    List<Together> send(SshPool.Lease lease, List<Upload> uploads, Placement placement) {
        Together[] outcomes = new Together[uploads.size()];
        Arrays.fill(outcomes, new Together.Left());
        Optional<String> script = os.archiveExtract();
        // Asked before any question to the member: a call of few files, or of large ones, costs nothing here.
        if (uploads.stream().filter(ArchiveUploads::suits).count() < FEWEST || script.isEmpty() || !sftp.renamesPosix()) {
            return List.of(outcomes);
        }
        List<Staged> staged = List.of();
        List<SshPool.Lease> leases = new ArrayList<>();
        List<Extraction> running = new ArrayList<>();
        try {
            SshPool.Lease first = lease.alsoIfFree();
            if (first == null) {
                return List.of(outcomes);
            }
            leases.add(first);
            int umask = UMASK.get(first.session(), asksUmask).orElse(NO_ARCHIVES);
            if (umask == NO_ARCHIVES) {
                return List.of(outcomes);
            }
            staged = stage(uploads, placement, umask, outcomes);
            int wanted = Math.min(MOST_ARCHIVES, Math.max(1, staged.size() / FILES_PER_ARCHIVE));
            for (SshPool.Lease more; leases.size() < wanted && (more = lease.alsoIfFree()) != null; ) {
                leases.add(more);
            }
            for (int k = 0; k < leases.size() && !staged.isEmpty(); k++) {
                List<Staged> slice = staged.subList(k * staged.size() / leases.size(), (k + 1) * staged.size() / leases.size());
                running.add(new Extraction(leases.get(k).session(), script.get(), slice));
            }
            // Each archive's files are placed as soon as its tar is done, while the others still run.
            for (Extraction x : running) {
                if (x.extracted()) {
                    place(x.slice, placement, outcomes);
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            // A lost connection most often: what is in place stays so, the rest goes alone and says what happened.
            log.debug("files sent together stopped; the rest go one by one: {}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            running.forEach(Extraction::stop);
            removeParts(staged.stream().filter(st -> outcomes[st.index] instanceof Together.Left).toList());
        } finally {
            leases.forEach(SshPool.Lease::close);
        }
        return List.of(outcomes);
    }

    /**
     * The files this way suits, each with its folder checked and made: before anything is made, a
     * folder on the way that leads elsewhere is refused here, as for a copy alone.
     */
    private List<Staged> stage(List<Upload> uploads, Placement placement, int umask, Together[] outcomes) throws IOException {
        List<Staged> staged = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            Upload u = uploads.get(i);
            int bits = suits(u) ? permissionBits(u, umask) : CopiedModes.UNKNOWN;
            if (bits == CopiedModes.UNKNOWN) {
                continue;
            }
            String destination;
            try {
                destination = placedFolder.of(u.memberPath(), placement);
            } catch (Refused refused) {
                outcomes[i] = new Together.Failed(refused);
                continue;
            } catch (SftpException cannot) {
                // The copy alone tries again and says why.
                continue;
            }
            // A path resolved whole (a rare name) goes alone.
            if (destination != null && destination.startsWith("/")) {
                staged.add(new Staged(i, u, destination, PartFile.beside(destination, memberOs), bits));
            }
        }
        return staged;
    }

    /**
     * The bits a file's copy gets, as a copy alone would: its own where they are unusual, else what
     * the member's SFTP server gives a file it creates; {@link CopiedModes#UNKNOWN} when they
     * cannot be read (the copy alone fails it, saying why).
     */
    private static int permissionBits(Upload u, int umask) {
        try {
            int mode = CopiedModes.of(u.localFile());
            return mode == CopiedModes.UNKNOWN || mode == CopiedModes.USUAL ? CREATED & ~umask : mode;
        } catch (IOException e) {
            return CopiedModes.UNKNOWN;
        }
    }

    /** Small enough, as planned (the archive reads it whole and checks again), with a time a tar header holds. */
    private static boolean suits(Upload u) {
        return u.size() <= LARGEST && u.modifiedSeconds() >= 0 && u.modifiedSeconds() <= ArchiveStream.LARGEST_NUMBER;
    }

    /**
     * One archive of staged files streaming into a tar of its own on the member, on a thread of
     * its own: on a member whose file system is slow to create files (most of the time of a
     * small file there), several tars side by side create them on several cores, as the member's
     * SFTP server processes do for files sent alone side by side.
     */
    private final class Extraction {
        private static final long STOP_WAIT_MS = 5_000;
        final List<Staged> slice;
        private final Thread thread;
        private volatile java.io.Closeable channel;
        private StreamedWrites.Outcome outcome;
        /** The stream cut off (a lost connection, most often), or the SSH library failing. */
        private Exception failure;
        private long[] archived;

        Extraction(ClientSession session, String script, List<Staged> slice) {
            this.slice = slice;
            List<ArchiveStream.Entry> entries = new ArrayList<>();
            for (Staged s : slice) {
                // Relative to the root folder, where tar runs: tar takes no name that starts with a slash.
                entries.add(new ArchiveStream.Entry(s.upload.localFile(), s.part.substring(1), s.bits, s.upload.modifiedSeconds(),
                        LARGEST));
            }
            thread = new Thread(() -> run(session, script, entries), "fleet-transfer-archive");
            thread.setDaemon(true);
            thread.start();
        }

        private void run(ClientSession session, String script, List<ArchiveStream.Entry> entries) {
            ArchiveStream archive = new ArchiveStream(entries);
            try {
                outcome = StreamedWrites.write(session, os, script, RunTag.next(memberId, false), archive, EXIT_WAIT,
                        open -> channel = open);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            archived = new long[entries.size()];
            for (int i = 0; i < archived.length; i++) {
                archived[i] = archive.archived(i);
            }
        }

        /**
         * Waits for the tar; true when it took the whole archive (each file's length is then
         * known). Where it failed, the part files it may have made are removed: its files go alone.
         */
        boolean extracted() throws InterruptedException {
            thread.join();
            if (outcome instanceof StreamedWrites.Written) {
                for (int i = 0; i < slice.size(); i++) {
                    slice.get(i).bytes = archived[i];
                }
                return true;
            }
            if (outcome instanceof StreamedWrites.Failed failed) {
                log.debug("the member's tar failed (exit {}): {}; its files go one by one", failed.exit(), failed.said());
            } else if (failure != null) {
                log.debug("an archive to the member was cut off: {}; its files go one by one", failure.toString());
            }
            if (!(outcome instanceof StreamedWrites.NotStarted)) {
                removeParts(slice);
            }
            return false;
        }

        /** Ends the stream where it still runs, and waits a moment for its thread. */
        void stop() {
            java.io.Closeable open = channel;
            try {
                if (open != null) {
                    open.close();
                }
                thread.join(STOP_WAIT_MS);
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Looks at each destination's name, then renames each part file over it where its placement
     * allows, many requests in the air at once. A refused file's part file is removed, and so is
     * one whose rename failed (that file goes alone).
     */
    private void place(List<Staged> staged, Placement placement, Together[] outcomes) throws IOException {
        List<Staged> archived = staged.stream().filter(s -> s.bytes >= 0).toList();
        int batch = FlightSftpClient.Replies.IN_THE_AIR * 4;
        for (int from = 0; from < archived.size(); from += batch) {
            List<Staged> some = archived.subList(from, Math.min(archived.size(), from + batch));
            FlightSftpClient.Replies looks = sftp.replies();
            for (Staged s : some) {
                s.asked = looks.lstat(s.destination);
            }
            looks.finish();
            FlightSftpClient.Replies moves = sftp.replies();
            List<Staged> moved = new ArrayList<>();
            for (Staged s : some) {
                Object own = looks.answer(s.asked);
                // Nothing under that name (or the server would not say): nothing there can lead elsewhere.
                String real = folders.named(sftp, s.destination, own instanceof SftpClient.Attributes a ? a : null);
                String refusal = placement.refusal(real);
                if (refusal != null) {
                    outcomes[s.index] = new Together.Failed(new Refused(refusal));
                    moves.remove(s.part);
                } else {
                    s.asked = moves.posixRename(s.part, s.destination);
                    moved.add(s);
                }
            }
            moves.finish();
            List<Staged> failed = new ArrayList<>();
            for (Staged s : moved) {
                if (moves.answer(s.asked) == null) {
                    outcomes[s.index] = new Together.Placed(s.bytes);
                    s.upload.progress().accept(s.bytes);
                } else {
                    failed.add(s);
                }
            }
            removeParts(failed);
        }
    }

    /** Removes the part files of {@code staged}, not waiting for each other; one that cannot be removed is left (a later send cleans it). */
    private void removeParts(List<Staged> staged) {
        if (staged.isEmpty()) {
            return;
        }
        try {
            FlightSftpClient.Replies removals = sftp.replies();
            for (Staged s : staged) {
                removals.remove(s.part);
            }
            removals.finish();
        } catch (IOException | RuntimeException e) {
            log.debug("could not remove the part files of files sent together: {}", e.toString());
        }
    }
}
