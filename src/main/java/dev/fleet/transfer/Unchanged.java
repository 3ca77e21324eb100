package dev.fleet.transfer;

import dev.fleet.base.InvalidRequest;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.FileStat;
import dev.fleet.exec.MemberChannel;
import dev.fleet.os.OsCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which files of a transfer are already the same at their destination (see {@link SkipUnchanged}).
 * One rule for both directions: same size and time (or, for checksums, same size and SHA-256),
 * each file's member end against its end on this machine. The member's side is read in one
 * listing per folder and, for checksums, one command for all candidates; the files of this
 * machine are looked at directly. A file that cannot be compared is transferred.
 */
final class Unchanged {
    private static final Duration CHECKSUM_TIMEOUT = Duration.ofMinutes(30);

    private Unchanged() {
    }

    /** One end of the files of a transfer, as the comparison sees it. */
    interface Side<F> {
        /** The file's size and time; null when it cannot be compared (missing, a link, not a plain file). */
        FileStat stat(F file);

        /** SHA-256 of the files, in hex, by file; a file left out of the answer is not the same. */
        Map<F, String> hashes(Collection<F> files) throws IOException, ChannelException;
    }

    /** One file of a transfer: its path on the member and its counterpart on this machine. */
    record Pair<L>(String member, L local) {
    }

    /**
     * Refuses a mode the member cannot compare by, before anything is started or changed: checksums
     * need a hash command on the member.
     */
    static void refuseUnsupported(SkipUnchanged mode, OsCommands member) {
        if (mode == SkipUnchanged.CHECKSUM) {
            checksumCommand(member, "/");
        }
    }

    /**
     * Member destinations (of files about to be sent) that already hold the same file;
     * {@code listed} holds the member's files in the destinations' folders ({@link FileSession#describe}).
     */
    static Set<String> onMember(SkipUnchanged mode, MemberChannel channel, String realRoot, Map<String, FileStat> listed,
                                List<Pair<SourceFile>> plan) throws IOException, ChannelException {
        if (mode == SkipUnchanged.NEVER || plan.isEmpty()) {
            return Set.of();
        }
        return same(mode, plan, member(channel, realRoot, listed), thisMachine(SourceFile::comparable, SourceFile::path));
    }

    /** Member files (with their size and time as listed) whose copy at the given local path is already the same. */
    static Set<String> onThisMachine(SkipUnchanged mode, MemberChannel channel, String realRoot, Map<String, FileStat> listed,
                                     List<Pair<Path>> plan) throws ChannelException, IOException {
        if (mode == SkipUnchanged.NEVER || plan.isEmpty()) {
            return Set.of();
        }
        return same(mode, plan, member(channel, realRoot, listed), thisMachine(FileStat::ofLocal, Function.identity()));
    }

    /**
     * The member paths of {@code pairs} whose two ends hold the same file. The member's hashes come
     * first, in one command; only files the member could hash are read here.
     */
    static <L> Set<String> same(SkipUnchanged mode, List<Pair<L>> pairs, Side<String> member, Side<L> local)
            throws IOException, ChannelException {
        if (mode == SkipUnchanged.NEVER) {
            return Set.of();
        }
        List<Pair<L>> candidates = new ArrayList<>();
        for (Pair<L> p : pairs) {
            FileStat there = member.stat(p.member());
            FileStat here = local.stat(p.local());
            if (there != null && here != null && there.size() == here.size()
                    && (mode == SkipUnchanged.CHECKSUM || there.modifiedSeconds() == here.modifiedSeconds())) {
                candidates.add(p);
            }
        }
        Set<String> same = new HashSet<>();
        if (mode == SkipUnchanged.SIZE_AND_MTIME) {
            candidates.forEach(p -> same.add(p.member()));
            return same;
        }
        Set<String> onMember = new LinkedHashSet<>();
        candidates.forEach(p -> onMember.add(p.member()));
        Map<String, String> theirs = member.hashes(onMember);
        Set<L> hashedThere = new LinkedHashSet<>();
        candidates.stream().filter(p -> theirs.containsKey(p.member())).forEach(p -> hashedThere.add(p.local()));
        Map<L, String> ours = local.hashes(hashedThere);
        for (Pair<L> p : candidates) {
            String hash = theirs.get(p.member());
            if (hash != null && hash.equals(ours.get(p.local()))) {
                same.add(p.member());
            }
        }
        return same;
    }

    /** The member's end: size and time as already listed, hashes by one command. */
    private static Side<String> member(MemberChannel channel, String realRoot, Map<String, FileStat> listed) {
        return new Side<>() {
            @Override
            public FileStat stat(String file) {
                return listed.get(file);
            }

            @Override
            public Map<String, String> hashes(Collection<String> files) throws ChannelException {
                return memberHashes(channel, realRoot, files);
            }
        };
    }

    /** An end on this machine: {@code stat} gives what is compared, the hash is read from {@code file}. */
    private static <F> Side<F> thisMachine(Function<F, FileStat> stat, Function<F, Path> file) {
        return new Side<>() {
            @Override
            public FileStat stat(F f) {
                return stat.apply(f);
            }

            @Override
            public Map<F, String> hashes(Collection<F> files) throws IOException {
                Map<F, String> hashes = new HashMap<>();
                for (F f : files) {
                    hashes.put(f, localHash(file.apply(f)));
                }
                return hashes;
            }
        };
    }

    private static String checksumCommand(OsCommands member, String realRoot) {
        return member.sha256Files(realRoot).orElseThrow(() -> new InvalidRequest("skip_unchanged",
                "checksum needs a Linux or macOS member; use size_and_mtime or never"));
    }

    /**
     * SHA-256 of member files, one command for all of them; paths travel on stdin, never on a command
     * line. Only files that are no link, in folders inside the work folder ({@code realRoot}), are
     * read: a link leading out of it is never opened (it is refused when its turn comes).
     */
    private static Map<String, String> memberHashes(MemberChannel channel, String realRoot, Collection<String> paths)
            throws ChannelException {
        if (paths.isEmpty()) {
            return Map.of();
        }
        String command = checksumCommand(channel.os(), realRoot);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (String p : paths) {
            in.writeBytes(p.getBytes(StandardCharsets.UTF_8));
            in.write(0);
        }
        CommandResult r = channel.exec(CommandRequest.probe(command, CHECKSUM_TIMEOUT).withStdin(in.toByteArray())
                .withOutputCap(Math.max(CommandRequest.DEFAULT_OUTPUT_CAP, paths.size() * 4200)));
        Map<String, String> hashes = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            // "<64 hex>  <path>"; a line starting with a backslash has an escaped name and is not trusted.
            if (line.length() > 66 && line.charAt(64) == ' ' && !line.startsWith("\\")) {
                hashes.put(line.substring(66), line.substring(0, 64).toLowerCase(Locale.ROOT));
            }
        }
        return hashes;
    }

    static String localHash(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) != -1) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

}
