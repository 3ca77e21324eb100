package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name a file is written under until it is complete: hidden, beside its destination, and
 * unique to this copy ({@code .<name>.fleet-part-<hex>}). Renamed into place only once whole, so
 * a copy cut off midway never leaves half a file under the expected name, and a part file that
 * could not be removed is never taken for the file.
 *
 * <p>A part file's name must itself be a legal file name (255 bytes at most), so a destination
 * whose name leaves too little room keeps only the start of its name, followed by {@code ~} and
 * a hash of the whole name: {@code .<start>~<hash>.fleet-part-<hex>}. Two long names that start
 * alike still get part files of their own, and {@link #stemOf} and {@link #stemFor} still tell
 * which destination a left part file was for.
 */
public final class PartFile {
    private static final String PART_MARK = ".fleet-part-";
    private static final String ASIDE_MARK = ".fleet-old-";
    /** A long's hex digits at most: the stamp that makes each copy's part file its own. */
    private static final int STAMP_ROOM = 16;
    /** Hex digits of the hash that stands for the cut part of a long name. */
    private static final int HASH_DIGITS = 12;

    private PartFile() {
    }

    /** The part file beside a file on this machine. */
    public static Path beside(Path destination) {
        return destination.resolveSibling(stemName(destination.getFileName().toString()) + stamp());
    }

    /** The part file beside a member path (separated as on the member's OS). */
    public static String beside(String memberPath, MemberOs os) {
        return stemFor(memberPath, os) + stamp();
    }

    /**
     * The name an existing file is moved to while a new one takes its place (where the member's
     * SFTP server cannot rename over a file): beside it, {@code <name>.fleet-old-<hex>}, fitted
     * into a file name's length like a part file's.
     */
    public static String aside(String memberPath, MemberOs os) {
        int cut = MemberPaths.nameStart(memberPath, os);
        return memberPath.substring(0, cut) + fitted(memberPath.substring(cut), ASIDE_MARK.length()) + ASIDE_MARK + stamp();
    }

    /**
     * What every part file of a copy to {@code destination} starts with (its path without the
     * stamp that makes it one copy's): compare it with {@link #stemOf} of a file found there.
     */
    public static String stemFor(String destination, MemberOs os) {
        int cut = MemberPaths.nameStart(destination, os);
        return destination.substring(0, cut) + stemName(destination.substring(cut));
    }

    /** The stem of {@code path} (see {@link #stemFor}) when it is a part file; null for any other file. */
    public static String stemOf(String path, MemberOs os) {
        int cut = MemberPaths.nameStart(path, os);
        String name = path.substring(cut);
        int mark = name.lastIndexOf(PART_MARK);
        if (!name.startsWith(".") || mark < 2) {
            return null;
        }
        String stamp = name.substring(mark + PART_MARK.length());
        if (stamp.isEmpty() || !stamp.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return null;
        }
        return path.substring(0, cut + mark + PART_MARK.length());
    }

    private static String stemName(String name) {
        return "." + fitted(name, 1 + PART_MARK.length()) + PART_MARK;
    }

    private static String stamp() {
        return Long.toHexString(System.nanoTime());
    }

    /**
     * {@code name} as it is when it leaves room for {@code around} more bytes and a stamp within
     * a file name's limit; else as much of its start as fits, then {@code ~} and its hash. Cut
     * between characters, never inside one.
     */
    private static String fitted(String name, int around) {
        int room = MemberPaths.NAME_LIMIT - around - STAMP_ROOM;
        if (utf8Length(name) <= room) {
            return name;
        }
        int keep = room - 1 - HASH_DIGITS;
        StringBuilder start = new StringBuilder();
        int used = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int bytes = utf8Length(new String(Character.toChars(cp)));
            if (used + bytes > keep) {
                break;
            }
            start.appendCodePoint(cp);
            used += bytes;
            i += Character.charCount(cp);
        }
        return start + "~" + hash(name);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
