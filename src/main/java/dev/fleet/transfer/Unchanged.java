package dev.fleet.transfer;

import dev.fleet.base.InvalidRequest;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.FileStat;
import dev.fleet.exec.MemberChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which files of a transfer are already the same at their destination (see {@link SkipUnchanged}).
 * The member's side is read in one listing per folder and, for checksums, one command for all
 * candidates; the files of this machine are looked at directly. A file that cannot be compared is
 * transferred.
 */
final class Unchanged {
    private static final Duration CHECKSUM_TIMEOUT = Duration.ofMinutes(30);

    private Unchanged() {
    }

    /**
     * Destinations on the member (of {@code plan}: local file to member path) that already hold the
     * same file.
     */
    static Set<String> onMember(SkipUnchanged mode, MemberChannel channel, FileSession files, Map<Path, String> plan)
            throws IOException, ChannelException {
        if (mode == SkipUnchanged.NEVER || plan.isEmpty()) {
            return Set.of();
        }
        Set<String> folders = new HashSet<>();
        plan.values().forEach(dest -> folders.add(parent(dest)));
        Map<String, FileStat> there = files.describe(folders);
        Map<Path, String> candidates = new LinkedHashMap<>();
        for (Map.Entry<Path, String> e : plan.entrySet()) {
            FileStat local = localStat(e.getKey());
            FileStat remote = there.get(e.getValue());
            if (local != null && remote != null && local.size() == remote.size()
                    && (mode == SkipUnchanged.CHECKSUM || local.modifiedSeconds() == remote.modifiedSeconds())) {
                candidates.put(e.getKey(), e.getValue());
            }
        }
        if (mode == SkipUnchanged.SIZE_AND_MTIME) {
            return new HashSet<>(candidates.values());
        }
        Map<String, String> remoteHashes = memberHashes(channel, candidates.values());
        Set<String> same = new HashSet<>();
        for (Map.Entry<Path, String> e : candidates.entrySet()) {
            String theirs = remoteHashes.get(e.getValue());
            if (theirs != null && theirs.equals(localHash(e.getKey()))) {
                same.add(e.getValue());
            }
        }
        return same;
    }

    /**
     * Member files (with their size and time as listed) whose copy at the given local path is
     * already the same.
     */
    static Set<String> onThisMachine(SkipUnchanged mode, MemberChannel channel, Map<String, FileStat> listed,
                                     Map<String, Path> plan) throws ChannelException, IOException {
        if (mode == SkipUnchanged.NEVER || plan.isEmpty()) {
            return Set.of();
        }
        Map<String, Path> candidates = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : plan.entrySet()) {
            FileStat remote = listed.get(e.getKey());
            FileStat local = localStat(e.getValue());
            if (local != null && remote != null && local.size() == remote.size()
                    && (mode == SkipUnchanged.CHECKSUM || local.modifiedSeconds() == remote.modifiedSeconds())) {
                candidates.put(e.getKey(), e.getValue());
            }
        }
        if (mode == SkipUnchanged.SIZE_AND_MTIME) {
            return new HashSet<>(candidates.keySet());
        }
        Map<String, String> remoteHashes = memberHashes(channel, candidates.keySet());
        Set<String> same = new HashSet<>();
        for (Map.Entry<String, Path> e : candidates.entrySet()) {
            String theirs = remoteHashes.get(e.getKey());
            if (theirs != null && theirs.equals(localHash(e.getValue()))) {
                same.add(e.getKey());
            }
        }
        return same;
    }

    /** A regular file's size and time on this machine (links not followed); null when there is none. */
    static FileStat localStat(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? new FileStat(a.size(), a.lastModifiedTime().to(TimeUnit.SECONDS)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** SHA-256 of member files, one command for all of them; paths travel on stdin, never on a command line. */
    private static Map<String, String> memberHashes(MemberChannel channel, Collection<String> paths) throws ChannelException {
        if (paths.isEmpty()) {
            return Map.of();
        }
        String command = channel.os().sha256Files().orElseThrow(() -> new InvalidRequest("skip_unchanged",
                "checksum needs a Linux or macOS member; use size_and_mtime or never"));
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
                hashes.put(line.substring(66), line.substring(0, 64).toLowerCase(java.util.Locale.ROOT));
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

    private static String parent(String memberPath) {
        int cut = Math.max(memberPath.lastIndexOf('/'), memberPath.lastIndexOf('\\'));
        return cut <= 0 ? memberPath.substring(0, Math.max(cut, 0) + 1) : memberPath.substring(0, cut);
    }
}
