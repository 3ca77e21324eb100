package dev.fleet.transfer;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.Progress;
import dev.fleet.cloud.CloudGate;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    /** The outcome of one call, file by file in the order they were tried. */
    public record Report(Member member, List<FileResult> files) {
        public Report {
            files = List.copyOf(files);
        }
    }

    private final CloudGate gate;
    private final Channels channels;
    private final LocalPaths localPaths;

    public FileTransfers(CloudGate gate, Channels channels, LocalPaths localPaths) {
        this.gate = gate;
        this.channels = channels;
        this.localPaths = localPaths;
    }

    /** Sends files and folders (recursively, keeping their structure) into the work folder or {@code subfolder} of it. */
    public Report send(Member chosen, List<String> localPaths, String subfolder, Progress progress) throws Exception {
        // Checked before a cloud instance is started for it.
        if (subfolder != null && MemberPaths.resolveInside(chosen.workFolder(), subfolder, chosen.osOrAssumed()) == null) {
            throw new InvalidRequest("remote_subfolder", "must stay inside the work folder " + chosen.workFolder()
                    + " (relative, no leading / or ~, no '..' above it)");
        }
        return gate.run(chosen, progress, member -> upload(member, localPaths, subfolder, progress));
    }

    /** Brings files and folders of the work folder back into {@code localDest}, each under its own name. */
    public Report receive(Member chosen, List<String> remotePaths, String localDest, Progress progress) throws Exception {
        return gate.run(chosen, progress, member -> download(member, remotePaths, localDest, progress));
    }

    /** One file to send: its local source and its path on the member, or why the policy refused it. */
    private record Planned(Path source, String dest, String refused) {
    }

    private Report upload(Member member, List<String> locals, String subfolder, Progress progress)
            throws ChannelException, IOException {
        MemberChannel channel = channels.forMember(member);
        MemberOs os = channel.os().os();
        String root = member.workFolder();
        String destRoot = subfolder == null ? root : MemberPaths.resolveInside(root, subfolder, os);
        List<FileResult> results = new ArrayList<>();
        List<Planned> plan = new ArrayList<>();
        for (String local : locals) {
            Path source = Path.of(localPaths.expand(local));
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                        plan.add(planned(f, source.getFileName() + "/" + source.relativize(f), destRoot, os));
                    }
                } catch (UncheckedIOException e) {
                    results.add(FileResult.failed(local, e.getCause().getMessage()));
                }
            } else if (Files.isRegularFile(source)) {
                plan.add(planned(source, source.getFileName().toString(), destRoot, os));
            } else {
                results.add(FileResult.failed(local, "no such file or folder on this machine"));
            }
        }
        long totalBytes = 0;
        for (Planned p : plan) {
            totalBytes += Files.size(p.source());
        }
        ByteProgress bytes = new ByteProgress(progress, totalBytes, "sending");
        try (FileSession files = channel.files()) {
            String realRoot = files.realPath(root);
            for (Planned p : plan) {
                String name = p.source().getFileName().toString();
                long size = Files.size(p.source());
                try {
                    if (p.refused() != null) {
                        results.add(FileResult.failed(p.source().toString(), p.refused()));
                    } else if (!MemberPaths.isInside(realRoot, files.realPath(p.dest()))) {
                        results.add(FileResult.failed(p.source().toString(), "destination escapes the work folder; refused"));
                    } else {
                        files.upload(p.source(), p.dest(), bytes.file(name));
                        results.add(FileResult.done(p.source().toString(), p.dest(), size));
                    }
                } catch (IOException | ChannelException e) {
                    results.add(FileResult.failed(p.source().toString(), e.getMessage()));
                }
                bytes.fileDone(size, name);
            }
        }
        return new Report(member, results);
    }

    private static Planned planned(Path source, String name, String destRoot, MemberOs os) {
        try {
            return new Planned(source, TransferPaths.onMember(destRoot, TransferPaths.parts(name), os), null);
        } catch (TransferPaths.Refused e) {
            return new Planned(source, null, e.getMessage());
        }
    }

    /** One file to fetch: its path on the member and its name below the destination, as parts. */
    private record Fetch(String source, String name) {
    }

    private Report download(Member member, List<String> remotes, String localDest, Progress progress)
            throws ChannelException, IOException {
        MemberChannel channel = channels.forMember(member);
        MemberOs os = channel.os().os();
        Path dest = Files.createDirectories(Path.of(localPaths.expand(localDest))).toRealPath();
        String root = member.workFolder();
        List<FileResult> results = new ArrayList<>();
        try (FileSession files = channel.files()) {
            String realRoot = files.realPath(root);
            List<Fetch> plan = new ArrayList<>();
            for (String rel : remotes) {
                String source = MemberPaths.resolveInside(root, rel, os);
                try {
                    if (source == null || !MemberPaths.isInside(realRoot, files.realPath(source))) {
                        results.add(FileResult.failed(rel, "outside the work folder " + root + "; refused"));
                        continue;
                    }
                    List<String> found = files.listFiles(source);
                    if (found.isEmpty()) {
                        results.add(FileResult.failed(rel, "no such file or folder in the work folder"));
                        continue;
                    }
                    String base = MemberPaths.fileName(source);
                    for (String f : found) {
                        plan.add(new Fetch(f, f.equals(source) ? base : base + "/" + f.substring(source.length() + 1)));
                    }
                } catch (IOException | ChannelException e) {
                    // One path's failure (a lost connection included) is its own result; those gathered so far stand.
                    results.add(FileResult.failed(rel, e.getMessage()));
                }
            }
            // Sizes are not known before the transfer without a round trip per file; count files instead.
            int done = 0;
            for (Fetch f : plan) {
                progress.report(done++, (double) plan.size(), "receiving " + f.name());
                results.add(fetch(files, realRoot, dest, f));
            }
            progress.report(plan.size(), (double) plan.size(), "done");
        }
        return new Report(member, results);
    }

    /**
     * One file from the member: its name must pass the policy, its real path on the member must lie
     * in the work folder, and its local path in the destination (links resolved), before a byte is
     * written. The bytes go to a part file beside it, renamed into place only when complete, so a
     * transfer cut off midway never leaves a half file under the expected name.
     */
    private static FileResult fetch(FileSession files, String realRoot, Path dest, Fetch f) {
        Path part = null;
        try {
            Path local = TransferPaths.local(dest, TransferPaths.parts(f.name()));
            if (!MemberPaths.isInside(realRoot, files.realPath(f.source()))) {
                return FileResult.failed(f.source(), "a link leads outside the work folder; refused");
            }
            Files.createDirectories(local.getParent());
            TransferPaths.stillInside(dest, local);
            part = local.resolveSibling("." + local.getFileName() + ".fleet-part-" + Long.toHexString(System.nanoTime()));
            files.download(f.source(), part, bytes -> { });
            Files.move(part, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            part = null;
            return FileResult.done(f.source(), local.toString(), Files.size(local));
        } catch (TransferPaths.Refused e) {
            return FileResult.failed(f.source(), e.getMessage());
        } catch (IOException | ChannelException e) {
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
