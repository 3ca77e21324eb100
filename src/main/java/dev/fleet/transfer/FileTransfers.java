package dev.fleet.transfer;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.Progress;
import dev.fleet.cloud.CloudGate;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.FileStat;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.exec.PartFile;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files between this machine and a member's work folder, both ways. The path policy lives here:
 * nothing is written or read outside the work folder, judged on real paths (links resolved on the
 * member) for every file, and a bad subfolder refuses the whole call before anything starts. Each
 * file gets its own result; one failure does not stop the others. One file session (one SFTP
 * session over SSH) serves the whole call.
 */
public final class FileTransfers {
    /** One file of a transfer: where it came from and went, or why it failed. */
    public record FileResult(String from, String to, long bytes, String error) {
        public boolean ok() {
            return error == null;
        }

        static FileResult done(String from, String to, long bytes) {
            return new FileResult(from, to, bytes, null);
        }

        static FileResult failed(String from, String error) {
            return new FileResult(from, null, 0, error);
        }
    }

    /**
     * The outcome of one call, file by file in the order they were tried; {@code skipped} counts
     * the files left alone because their destination already held the same file.
     */
    public record Report(Member member, List<FileResult> files, int skipped) {
        public Report {
            files = List.copyOf(files);
        }

        public int succeeded() {
            return (int) files.stream().filter(FileResult::ok).count();
        }

        public int failed() {
            return files.size() - succeeded();
        }

        /** Bytes of the files that were copied. */
        public long bytes() {
            return files.stream().filter(FileResult::ok).mapToLong(FileResult::bytes).sum();
        }

        /**
         * True when the call failed as a whole: every file it tried failed and none was found
         * unchanged. A call with nothing to do, or with some files done, is no failure.
         */
        public boolean allFailed() {
            return !files.isEmpty() && succeeded() == 0 && skipped == 0;
        }
    }

    /**
     * How long a part file must have been left untouched before a later send to its destination
     * removes it: a copy in progress writes to its part file all the time, and one that goes into
     * the member's tar has the time of its extraction as access time (its modification time is
     * its source's at once), so this only ever finds the leftovers of copies cut off (a lost
     * connection, a killed server), with room for a member clock that is behind this machine's.
     */
    static final Duration LEFT_PART_AGE = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);

    private final CloudGate gate;
    private final Channels channels;
    private final LocalPaths localPaths;
    private final Clock clock;

    public FileTransfers(CloudGate gate, Channels channels, LocalPaths localPaths, Clock clock) {
        this.gate = gate;
        this.channels = channels;
        this.localPaths = localPaths;
        this.clock = clock;
    }

    /** Sends files and folders (recursively, keeping their structure) into the work folder or {@code subfolder} of it. */
    public Report send(Member chosen, List<String> localPaths, String subfolder, SkipUnchanged skip, Progress progress)
            throws Exception {
        // Bad input is refused before anything changes: before a cloud instance is started for it.
        if (subfolder != null && MemberPaths.resolveInside(chosen.workFolder(), subfolder, chosen.osOrAssumed()) == null) {
            String rule = MemberPaths.nameRule(subfolder, chosen.osOrAssumed());
            throw new InvalidRequest("remote_subfolder", rule != null ? rule + "; refused"
                    : "must stay inside the work folder " + chosen.workFolder()
                    + " (relative, no leading / or ~, no '..' above it, no NUL character)");
        }
        String tooLong = subfolder == null ? null : MemberPaths.tooLongName(subfolder, chosen.osOrAssumed());
        if (tooLong != null) {
            throw new InvalidRequest("remote_subfolder", "holds a name too long for a file system ("
                    + TransferPaths.describeLength(tooLong) + "): " + MemberPaths.nameLimitRule(chosen.osOrAssumed()));
        }
        List<Given> sources = localPaths.stream().map(local -> new Given(local, this.localPaths.absolute(local, "local_paths"))).toList();
        Unchanged.refuseUnsupported(skip, channels.os(chosen));
        return gate.run(chosen, progress, member -> upload(member, sources, subfolder, skip, progress));
    }

    /** Brings files and folders of the work folder back into {@code localDest}, each under its own name. */
    public Report receive(Member chosen, List<String> remotePaths, String localDest, SkipUnchanged skip, Progress progress)
            throws Exception {
        // Bad input is refused before anything changes: before a cloud instance is started for it.
        Path dest = localPaths.absolute(localDest, "local_dest");
        Unchanged.refuseUnsupported(skip, channels.os(chosen));
        return gate.run(chosen, progress, member -> download(member, remotePaths, dest, skip, progress));
    }

    /** A local path as the caller wrote it (for its result) and as this machine resolves it. */
    private record Given(String written, Path path) {
    }

    /** One file to send: its local source and its path on the member, or why the policy refused it. */
    private record Planned(SourceFile source, String dest, String refused) {
    }

    private Report upload(Member member, List<Given> sources, String subfolder, SkipUnchanged skip, Progress progress)
            throws ChannelException, IOException {
        MemberChannel channel = channels.forMember(member);
        MemberOs os = channel.os().os();
        String root = member.workFolder();
        String destRoot = subfolder == null ? root : MemberPaths.resolveInside(root, subfolder, os);
        List<FileResult> results = new ArrayList<>();
        List<Planned> plan = new ArrayList<>();
        for (Given given : sources) {
            Path source = given.path();
            BasicFileAttributes own = SourceFile.own(source);
            BasicFileAttributes target = own == null ? null : SourceFile.leadsTo(source, own);
            if (target != null && target.isDirectory()) {
                try {
                    // A folder named through a link is the caller's own choice and is sent, under the
                    // link's name, as scp does; links met inside it are still not followed.
                    Path folder = own.isSymbolicLink() ? source.toRealPath() : source;
                    List<Path> leadingOut = new ArrayList<>();
                    List<Path> folderLinks = new ArrayList<>();
                    for (SourceFile f : filesBelow(folder, leadingOut, folderLinks)) {
                        plan.add(planned(f, source.getFileName() + "/" + folder.relativize(f.path()), destRoot, os));
                    }
                    for (Path link : leadingOut) {
                        results.add(FileResult.failed(link.toString(), "a link to a file outside " + source
                                + "; not sent (name the file itself in local_paths to send it)"));
                    }
                    for (Path link : folderLinks) {
                        results.add(FileResult.failed(link.toString(), "a link to a folder; not followed, its files not sent"
                                + " (name the folder itself in local_paths to send it)"));
                    }
                } catch (IOException e) {
                    results.add(FileResult.failed(given.written(), e.getMessage()));
                }
            } else if (target != null && target.isRegularFile()) {
                plan.add(planned(new SourceFile(source, FileStat.of(target), own.isSymbolicLink()), source.getFileName().toString(),
                        destRoot, os));
            } else if (target != null) {
                // It exists (a pipe, a device, a socket): saying "no such file" would send the user looking for a typo.
                results.add(FileResult.failed(given.written(), "not a regular file or folder (a pipe, device or socket); not sent"));
            } else {
                results.add(FileResult.failed(given.written(), "no such file or folder on this machine"));
            }
        }
        long totalBytes = plan.stream().mapToLong(p -> p.source().stat().size()).sum();
        ByteProgress bytes = new ByteProgress(progress, totalBytes, "sending");
        int skipped;
        try (FileSession files = channel.files()) {
            String realRoot = realRoot(files, root, os);
            List<Unchanged.Pair<SourceFile>> destinations = plan.stream().filter(p -> p.dest() != null)
                    .map(p -> new Unchanged.Pair<>(p.dest(), p.source())).toList();
            FolderSwaps swaps = new FolderSwaps(realRoot, os);
            Map<String, FileStat> listed = files.describe(foldersInside(files, realRoot, destinations, os, swaps));
            Set<String> same = Unchanged.onMember(skip, channel, realRoot, listed, destinations);
            removeLeftParts(files, listed, destinations, os);
            FileResult[] done = new FileResult[plan.size()];
            boolean[] unchanged = new boolean[plan.size()];
            Placements placements = new Placements(realRoot, os);
            List<Integer> alone = sendTogether(files, plan, same, placements, bytes, done);
            SideBySide.run(files, channel, alone.size(), (session, at) -> {
                int i = alone.get(at);
                Planned p = plan.get(i);
                try {
                    FileResult r = sendOne(session, p, placements, same, bytes);
                    unchanged[i] = r == null;
                    done[i] = r;
                } catch (RuntimeException e) {
                    done[i] = FileResult.failed(p.source().path().toString(), "not copied: " + e.getClass().getSimpleName());
                }
            });
            markSwapped(done, plan, swaps, swaps.check(files, channel));
            skipped = 0;
            for (int i = 0; i < done.length; i++) {
                if (unchanged[i]) {
                    skipped++;
                } else {
                    // No result and not skipped: the transfer was cut short before this file; never counted as unchanged.
                    results.add(done[i] != null ? done[i]
                            : FileResult.failed(plan.get(i).source().path().toString(),
                                    "not copied: the transfer was interrupted before it"));
                }
            }
        }
        return new Report(member, results, skipped);
    }

    /**
     * The work folder's real path on the member; refused whole when the member's OS has a rule
     * against comparing it (on Windows: a name ending in a dot, a device path, …), as then no file
     * could be placed in it or outside it.
     */
    private static String realRoot(FileSession files, String root, MemberOs os) throws IOException, ChannelException {
        String real = files.realPath(root);
        String rule = MemberPaths.undecidable(real, os);
        if (rule != null) {
            throw new IOException("the work folder " + root + " cannot be compared with the paths in it: " + rule);
        }
        return real;
    }

    /**
     * Null when {@code real} (a real path on the member) lies in the work folder; else why not:
     * the rule of the member's OS it breaks, or {@code otherwise} when it lies outside.
     */
    static String outside(String realRoot, String real, MemberOs os, String otherwise) {
        if (MemberPaths.isInside(realRoot, real, os)) {
            return null;
        }
        String rule = MemberPaths.undecidable(real, os);
        return rule != null ? rule : otherwise;
    }

    /**
     * The destinations' folders that lie in the work folder once links are resolved. Only these are
     * listed, to compare files and to clean up left part files: a folder a link leads outside is
     * neither read nor cleaned, and its files are refused one by one when their turn comes.
     */
    private static Set<String> foldersInside(FileSession files, String realRoot, List<Unchanged.Pair<SourceFile>> destinations,
                                             MemberOs os, FolderSwaps swaps) throws IOException, ChannelException {
        Set<String> folders = new HashSet<>();
        // Destinations are absolute, so each has a folder above it.
        destinations.forEach(d -> folders.add(MemberPaths.parent(d.member(), os)));
        Set<String> inside = new HashSet<>();
        for (String folder : folders) {
            String real = files.realPath(folder);
            if (MemberPaths.isInside(realRoot, real, os)) {
                inside.add(folder);
                swaps.seen(folder, real);
            }
        }
        return inside;
    }

    /** A file sent through a folder that now leads out of the work folder is no success: it may be out there. */
    private static void markSwapped(FileResult[] done, List<Planned> plan, FolderSwaps swaps, FolderSwaps.Moved moved) {
        for (int i = 0; i < done.length; i++) {
            if (done[i] == null || !done[i].ok()) {
                continue;
            }
            String folder = swaps.folderOf(plan.get(i).dest());
            int at = i;
            moved.of(folder).ifPresent(to -> done[at] = FileResult.failed(done[at].from(), "its folder " + folder
                    + " was replaced by a link to " + to + ", outside the work folder, while the transfer ran: this file may have"
                    + " been written there; check that folder"));
        }
    }

    /**
     * Removes the part files that earlier copies to these destinations left behind when they were
     * cut off, so that a checkpoint upload cut midway does not hold the member's disk for good. Only
     * part files of this call's destinations, untouched for {@link #LEFT_PART_AGE}; one that cannot
     * be removed is left (the copy itself does not depend on it).
     */
    private void removeLeftParts(FileSession files, Map<String, FileStat> listed, List<Unchanged.Pair<SourceFile>> destinations,
                                 MemberOs os) {
        // By stem: a long destination name is cut short in its part files' names, so the name cannot be read back.
        Map<String, String> destinationByStem = new HashMap<>();
        destinations.forEach(d -> destinationByStem.put(PartFile.stemFor(d.member(), os), d.member()));
        long untouchedSince = clock.instant().minus(LEFT_PART_AGE).getEpochSecond();
        for (Map.Entry<String, FileStat> e : listed.entrySet()) {
            String stem = PartFile.stemOf(e.getKey(), os);
            String of = stem == null ? null : destinationByStem.get(stem);
            // Written or made within the hour (the access time of a part file a tar is filling), it stays.
            if (of != null && e.getValue().lastTouchedSeconds() < untouchedSince) {
                try {
                    files.removeFile(e.getKey());
                    log.info("removed {}, left by an earlier copy to {} that was cut off", e.getKey(), of);
                } catch (IOException | ChannelException | RuntimeException failed) {
                    log.debug("could not remove the left part file {}: {}", e.getKey(), failed.toString());
                }
            }
        }
    }

    /**
     * The regular files below {@code folder}, in name order, each with the attributes the walk read.
     * Links to folders are not followed. A link to a file is sent as that file when the file lies in
     * {@code folder} too; one that leads outside it goes to {@code leadingOut} instead: a folder
     * never carries a file from elsewhere on this machine (a cloned repository's link to
     * {@code ~/.ssh/id_ed25519}, say) to a member.
     */
    private static List<SourceFile> filesBelow(Path folder, List<Path> leadingOut, List<Path> folderLinks) throws IOException {
        Path realFolder = folder.toRealPath();
        List<SourceFile> found = new ArrayList<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes own) {
                SourceFile f = SourceFile.of(file, own);
                if (f != null && f.link() && !leadsInside(file, realFolder)) {
                    leadingOut.add(file);
                } else if (f != null) {
                    found.add(f);
                } else if (own.isSymbolicLink() && Files.isDirectory(file)) {
                    folderLinks.add(file); // not walked into (it may loop, or lead anywhere), and said so
                }
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(Comparator.comparing(SourceFile::path));
        leadingOut.sort(Comparator.naturalOrder());
        folderLinks.sort(Comparator.naturalOrder());
        return found;
    }

    private static boolean leadsInside(Path link, Path realFolder) {
        try {
            return link.toRealPath().startsWith(realFolder);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where a destination may lie: in the work folder, judged on the member on its real path. It
     * is judged there on purpose: its folder before the copy makes anything, its own name right
     * before the rename, so a link made since the plan (in the name, or in a folder before the
     * transfer reached it) cannot lead outside.
     */
    private record Placements(String realRoot, MemberOs os) implements FileSession.Placement {
        @Override
        public String refusal(String realPath) {
            return outside(realRoot, realPath, os, "destination escapes the work folder; refused");
        }
    }

    /**
     * Offers the files to send (not refused, not unchanged) to the session to send together
     * ({@link FileSession#uploadTogether}), records what became of those it took, and returns
     * the indexes of the files left to go one by one: the ones it left, and the refused and
     * unchanged ones, which {@link #sendOne} accounts for.
     */
    private static List<Integer> sendTogether(FileSession files, List<Planned> plan, Set<String> same, Placements placements,
                                              ByteProgress bytes, FileResult[] done) throws ChannelException {
        List<Integer> offered = new ArrayList<>();
        List<FileSession.Upload> uploads = new ArrayList<>();
        List<ByteProgress.File> progress = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            if (p.refused() == null && !same.contains(p.dest())) {
                ByteProgress.File file = bytes.file(p.source().path().getFileName().toString());
                offered.add(i);
                progress.add(file);
                // The source's time as planned, read before its bytes are (see sendOne).
                uploads.add(new FileSession.Upload(p.source().path(), p.dest(), p.source().stat().modifiedSeconds(),
                        p.source().stat().size(), file));
            }
        }
        List<FileSession.Together> outcomes = uploads.isEmpty() ? List.of() : files.uploadTogether(uploads, placements);
        for (int k = 0; k < offered.size(); k++) {
            int i = offered.get(k);
            String from = plan.get(i).source().path().toString();
            if (outcomes.get(k) instanceof FileSession.Together.Placed placed) {
                done[i] = FileResult.done(from, plan.get(i).dest(), placed.bytes());
                progress.get(k).done(placed.bytes());
            } else if (outcomes.get(k) instanceof FileSession.Together.Failed failed) {
                done[i] = FileResult.failed(from, failed.error().getMessage());
                progress.get(k).done(plan.get(i).source().stat().size());
            }
        }
        // Only the files taken have a result yet.
        List<Integer> alone = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            if (done[i] == null) {
                alone.add(i);
            }
        }
        return alone;
    }

    /** One file through the path policy, then left alone when unchanged (null), else sent with its time. */
    private static FileResult sendOne(FileSession files, Planned p, Placements placements, Set<String> same, ByteProgress bytes) {
        Path source = p.source().path();
        long size = p.source().stat().size();
        ByteProgress.File progress = bytes.file(source.getFileName().toString());
        try {
            if (p.refused() != null) {
                return FileResult.failed(source.toString(), p.refused());
            }
            if (same.contains(p.dest())) {
                return null;
            }
            // The source's time as planned, read before its bytes were: a file changed since then looks
            // changed to a later send (and is sent again), never unchanged.
            files.upload(source, p.dest(), p.source().stat().modifiedSeconds(), placements, progress);
            return FileResult.done(source.toString(), p.dest(), size);
        } catch (IOException | ChannelException e) {
            return FileResult.failed(source.toString(), e.getMessage());
        } finally {
            progress.done(size);
        }
    }

    private static Planned planned(SourceFile source, String name, String destRoot, MemberOs os) {
        try {
            return new Planned(source, MemberPaths.join(destRoot, TransferPaths.fitting(TransferPaths.parts(name), os), os), null);
        } catch (TransferPaths.Refused e) {
            return new Planned(source, null, e.getMessage());
        }
    }

    /**
     * One file to fetch: its path on the member, its name below the destination, and its path
     * there (resolved once, when planned), or why it has none (the policy refused the name).
     */
    private record Fetch(String source, String name, Path local, String error) {
    }

    private Report download(Member member, List<String> remotes, Path localDest, SkipUnchanged skip, Progress progress)
            throws ChannelException, IOException {
        MemberChannel channel = channels.forMember(member);
        MemberOs os = channel.os().os();
        Path dest = Files.createDirectories(localDest).toRealPath();
        String root = member.workFolder();
        List<FileResult> results = new ArrayList<>();
        int skipped = 0;
        try (FileSession files = channel.files()) {
            String realRoot = realRoot(files, root, os);
            List<Fetch> plan = new ArrayList<>();
            Map<String, FileStat> listed = new HashMap<>();
            for (String rel : remotes) {
                String source = MemberPaths.resolveInside(root, rel, os);
                String tooLong = MemberPaths.tooLongName(rel, os);
                if (tooLong != null) {
                    results.add(FileResult.failed(rel, "a name in it is too long (" + TransferPaths.describeLength(tooLong) + "): "
                            + MemberPaths.nameLimitRule(os) + "; refused"));
                    continue;
                }
                try {
                    String outsideRoot = "outside the work folder " + root + "; refused";
                    String rule = MemberPaths.nameRule(rel, os);
                    String refused = MemberPaths.holdsNul(rel) ? "holds a NUL character, which no path can; refused"
                            : source == null && rule != null ? rule + "; refused"
                            : source == null ? outsideRoot : outside(realRoot, files.realPath(source), os, outsideRoot);
                    if (refused != null) {
                        results.add(FileResult.failed(rel, refused));
                        continue;
                    }
                    Map<String, FileStat> stats = files.listFileStats(source);
                    listed.putAll(stats);
                    if (stats.isEmpty()) {
                        results.add(FileResult.failed(rel, "no such file or folder in the work folder"));
                        continue;
                    }
                    String base = MemberPaths.fileName(source, os);
                    for (String f : stats.keySet()) {
                        plan.add(planFetch(dest, f, f.equals(source) ? base : base + "/" + f.substring(source.length() + 1)));
                    }
                } catch (IOException | ChannelException e) {
                    // One path's failure (a lost connection included) is its own result; those gathered so far stand.
                    results.add(FileResult.failed(rel, e.getMessage()));
                }
            }
            // Only names the policy accepts are compared; a refused one fails in fetch, unread.
            Map<String, Path> locals = new LinkedHashMap<>();
            plan.stream().filter(f -> f.local() != null).forEach(f -> locals.put(f.source(), f.local()));
            List<Unchanged.Pair<Path>> pairs = locals.entrySet().stream()
                    .map(e -> new Unchanged.Pair<>(e.getKey(), e.getValue())).toList();
            Set<String> same = Unchanged.onThisMachine(skip, channel, realRoot, listed, pairs);
            FolderSwaps swaps = new FolderSwaps(realRoot, os);
            Set<String> folders = new HashSet<>();
            plan.stream().filter(f -> f.local() != null).forEach(f -> folders.add(swaps.folderOf(f.source())));
            for (String folder : folders) {
                swaps.seen(folder, files.realPath(folder));
            }
            // Counted in files: a progress in bytes would need every size before the first byte moves.
            int done = 0;
            for (Fetch f : plan) {
                progress.report(done++, (double) plan.size(), "receiving " + f.name());
                FileResult r = fetch(files, realRoot, os, dest, f, same.contains(f.source()), listed.get(f.source()));
                if (r == null) {
                    skipped++;
                } else {
                    results.add(r);
                }
            }
            progress.report(plan.size(), (double) plan.size(), "done");
            unlessSwapped(results, swaps, swaps.check(files, channel));
        }
        return new Report(member, results, skipped);
    }

    /**
     * A file read through a folder that now leads out of the work folder may hold what lies out
     * there: its copy is removed from this machine and the file reported failed.
     */
    private static void unlessSwapped(List<FileResult> results, FolderSwaps swaps, FolderSwaps.Moved moved) {
        for (int i = 0; i < results.size(); i++) {
            FileResult r = results.get(i);
            String folder = r.ok() ? swaps.folderOf(r.from()) : null;
            if (folder == null || moved.of(folder).isEmpty()) {
                continue;
            }
            String note;
            try {
                Files.deleteIfExists(Path.of(r.to()));
                note = "its copy here was removed";
            } catch (IOException e) {
                note = "remove its copy " + r.to() + " yourself";
            }
            results.set(i, FileResult.failed(r.from(), "its folder " + folder + " on the member was replaced by a link to "
                    + moved.of(folder).get() + ", outside the work folder, while the transfer ran: the copy may hold a file from"
                    + " there; " + note));
        }
    }

    /** A member file planned by its name below {@code dest}: the local path the policy gives it, or why there is none. */
    private static Fetch planFetch(Path dest, String source, String name) {
        try {
            List<String> parts = TransferPaths.fitting(TransferPaths.parts(name), MemberOs.current());
            return new Fetch(source, name, TransferPaths.local(dest, parts), null);
        } catch (TransferPaths.Refused | IOException e) {
            return new Fetch(source, name, null, e.getMessage());
        }
    }

    /**
     * One file from the member: its name must have passed the policy, its real path on the member
     * must lie in the work folder, and its local path in the destination (links resolved), before a
     * byte is written. The bytes go to a part file beside it, renamed into place only when
     * complete, so a transfer cut off midway never leaves a half file under the expected name.
     * Null when the file passed those checks and the destination already holds the same file
     * ({@code unchanged}).
     */
    private static FileResult fetch(FileSession files, String realRoot, MemberOs os, Path dest, Fetch f, boolean unchanged,
                                    FileStat remote) {
        if (f.error() != null) {
            return FileResult.failed(f.source(), f.error());
        }
        Path local = f.local();
        Path part = null;
        try {
            // Links resolved again on purpose, just before this file's turn: comparing files (checksums
            // above all) and the files before it take time, and a link that appeared since the plan
            // must not lead the writes out (on the member: the file's own name each time, its folder
            // when the transfer first uses it).
            TransferPaths.linksStayInside(dest, local);
            String realSource = files.realPath(f.source());
            String refused = outside(realRoot, realSource, os, "a link leads outside the work folder; refused");
            if (refused != null) {
                return FileResult.failed(f.source(), refused);
            }
            if (unchanged) {
                return null;
            }
            Files.createDirectories(local.getParent());
            TransferPaths.stillInside(dest, local);
            part = PartFile.beside(local);
            // By the real path just checked: a local member then follows no link on the way, so a
            // folder or the file swapped for a link since this check fails the copy.
            files.download(realSource, part, bytes -> { });
            if (remote != null && remote.modifiedSeconds() >= 0) {
                // The member's time: a later receive of the same file can tell it is unchanged.
                Files.setLastModifiedTime(part, FileTime.from(remote.modifiedSeconds(), TimeUnit.SECONDS));
            }
            Files.move(part, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            part = null;
            return FileResult.done(f.source(), local.toString(), Files.size(local));
        } catch (TransferPaths.Refused | IOException | ChannelException e) {
            return FileResult.failed(f.source(), e.getMessage());
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // A part file that cannot be removed carries its own name: it is never taken for the file.
                }
            }
        }
    }
}
