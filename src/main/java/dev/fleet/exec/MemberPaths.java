package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;

/**
 * Paths inside a member's work folder. The check is lexical and follows the member's OS: on a
 * Linux or macOS member only {@code /} separates names, and {@code \} or {@code C:} are ordinary
 * characters of a name ({@code /w\out} is a sibling of {@code /w}, not inside it); on a Windows
 * member {@code /} and {@code \} both separate, and {@code C:} names a drive. Channels add a
 * symlink-aware check with {@link MemberChannel#realPath}.
 */
public final class MemberPaths {
    /** The most a file or folder name may hold: bytes (UTF-8) on Linux and macOS, UTF-16 units on Windows. */
    public static final int NAME_LIMIT = 255;

    private MemberPaths() {
    }

    /**
     * Resolves {@code relative} under {@code root}; null when it is absolute, climbs out of
     * the root with {@code ..}, or holds a NUL (no OS has such a path; Java and SFTP servers each
     * fail on it in their own way, so it is refused here, before it reaches either).
     */
    public static String resolveInside(String root, String relative, MemberOs os) {
        if (holdsNul(relative)) {
            return null;
        }
        boolean windows = os == MemberOs.WINDOWS;
        String rel = windows ? relative.replace('\\', '/') : relative;
        if (rel.startsWith("/") || rel.startsWith("~") || (windows && rel.matches("^[A-Za-z]:.*"))) {
            return null;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : rel.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return join(root, parts, os);
    }

    /**
     * The path of {@code parts} (plain names, already checked) below {@code root}, with the
     * member's separator; {@code root} itself when there are none.
     */
    public static String join(String root, Collection<String> parts, MemberOs os) {
        if (parts.isEmpty()) {
            return withoutTrailingSeparator(root, os);
        }
        String sep = os == MemberOs.WINDOWS ? "\\" : "/";
        boolean endsInSeparator = !root.isEmpty() && isSeparator(root.charAt(root.length() - 1), os);
        return (endsInSeparator ? root : root + sep) + String.join(sep, parts);
    }

    /** True when {@code path} holds a NUL character, which no file name on any OS can. */
    public static boolean holdsNul(String path) {
        return path.indexOf('\0') >= 0;
    }

    /**
     * True when {@code path} is {@code root} or lies below it. Only the member's own separators
     * count: on a Linux or macOS member {@code /w\x} is a name beside {@code /w}, never inside it.
     */
    public static boolean isInside(String root, String path, MemberOs os) {
        String r = withoutTrailingSeparator(root, os);
        if (path.equals(r)) {
            return true;
        }
        if (r.isEmpty() || path.length() <= r.length() || !path.startsWith(r)) {
            return false;
        }
        // A root that keeps its separator ("/") holds every path that starts with it.
        return isSeparator(r.charAt(r.length() - 1), os) || isSeparator(path.charAt(r.length()), os);
    }

    /** The last name of a member path. */
    public static String fileName(String path, MemberOs os) {
        String p = withoutTrailingSeparator(path, os);
        return p.substring(nameStart(p, os));
    }

    /** Where the last name of a member path starts: after its last separator of the member's OS. */
    static int nameStart(String path, MemberOs os) {
        int last = path.lastIndexOf('/');
        if (os == MemberOs.WINDOWS) {
            last = Math.max(last, path.lastIndexOf('\\'));
        }
        return last + 1;
    }

    /**
     * The folder that holds a member path: {@code /a} for {@code /a/b}, {@code /} for {@code /a},
     * and on a Windows member {@code C:\} for {@code C:\a}; null when nothing is above it (a
     * root, or a bare name). On a Linux or macOS member {@code /w/C:} is an ordinary folder.
     */
    public static String parent(String path, MemberOs os) {
        int start = nameStart(path, os);
        if (start == 0 || start == path.length()) {
            return null;
        }
        String folder = path.substring(0, start - 1);
        // A root keeps its separator: "" is "/", and on Windows "C:" alone would mean C's current folder.
        boolean drive = os == MemberOs.WINDOWS && folder.endsWith(":");
        return folder.isEmpty() || drive ? path.substring(0, start) : folder;
    }

    /**
     * True for a root as {@link #parent} gives it: nothing to create above it. That is {@code /}
     * on every member, and on a Windows member also a drive ({@code C:\}, {@code /C:/}).
     */
    public static boolean isRoot(String folder, MemberOs os) {
        if (os == MemberOs.WINDOWS) {
            return !folder.isEmpty() && nameStart(folder, os) == folder.length();
        }
        return !folder.isEmpty() && folder.chars().allMatch(c -> c == '/');
    }

    /**
     * The first name of {@code path} (split on the member's separators) that is longer than
     * {@link #NAME_LIMIT} allows on the member's OS, or null when every name fits.
     */
    public static String tooLongName(String path, MemberOs os) {
        for (String name : path.split(os == MemberOs.WINDOWS ? "[/\\\\]" : "/")) {
            if (tooLong(name, os)) {
                return name;
            }
        }
        return null;
    }

    /** True when {@code name} is longer than a file name may be on {@code os}. */
    public static boolean tooLong(String name, MemberOs os) {
        // NTFS counts UTF-16 units; Linux and macOS file systems count the bytes of the UTF-8 name.
        int length = os == MemberOs.WINDOWS ? name.length() : name.getBytes(StandardCharsets.UTF_8).length;
        return length > NAME_LIMIT;
    }

    /** The rule {@link #tooLong} holds names to, in words, for error messages. */
    public static String nameLimitRule(MemberOs os) {
        return "a file or folder name may hold at most " + NAME_LIMIT
                + (os == MemberOs.WINDOWS ? " characters on a Windows member" : " bytes (UTF-8) on a Linux or macOS member");
    }

    private static boolean isSeparator(char c, MemberOs os) {
        return c == '/' || (c == '\\' && os == MemberOs.WINDOWS);
    }

    private static String withoutTrailingSeparator(String path, MemberOs os) {
        return path.length() > 1 && isSeparator(path.charAt(path.length() - 1), os) ? path.substring(0, path.length() - 1) : path;
    }
}
