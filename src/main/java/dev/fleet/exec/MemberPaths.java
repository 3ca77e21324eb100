package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;

/**
 * Paths inside a member's work folder. The check is lexical and OS-aware (POSIX or Windows
 * separators), so it works the same for local and remote members; channels add a symlink-aware
 * check with {@link MemberChannel#realPath}.
 */
public final class MemberPaths {
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
        String sep = os == MemberOs.WINDOWS ? "\\" : "/";
        String base = root.endsWith("/") || root.endsWith("\\") ? root.substring(0, root.length() - 1) : root;
        return parts.isEmpty() ? base : base + sep + String.join(sep, parts);
    }

    /** True when {@code path} holds a NUL character, which no file name on any OS can. */
    public static boolean holdsNul(String path) {
        return path.indexOf('\0') >= 0;
    }

    /** True when {@code path} is {@code root} or lies below it. */
    public static boolean isInside(String root, String path) {
        String r = root.endsWith("/") || root.endsWith("\\") ? root.substring(0, root.length() - 1) : root;
        return path.equals(r) || path.startsWith(r + "/") || path.startsWith(r + "\\");
    }

    /** The last name of a member path. */
    public static String fileName(String path) {
        String p = path.endsWith("/") || path.endsWith("\\") ? path.substring(0, path.length() - 1) : path;
        return p.substring(nameStart(p));
    }

    /** Where the last name of a member path starts: after its last separator ('/' or, on Windows members, '\'). */
    static int nameStart(String path) {
        return Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;
    }

    /**
     * The folder that holds a member path: {@code /a} for {@code /a/b}, {@code /} for {@code /a},
     * {@code C:\} for {@code C:\a}; null when nothing is above it (a root, or a bare name).
     */
    public static String parent(String path) {
        int start = nameStart(path);
        if (start == 0 || start == path.length()) {
            return null;
        }
        String folder = path.substring(0, start - 1);
        // A root keeps its separator: "" is "/", and "C:" alone would mean C's current folder.
        return folder.isEmpty() || folder.endsWith(":") ? path.substring(0, start) : folder;
    }

    /** True for a root as {@link #parent} gives it ({@code /}, {@code C:\}, {@code /C:/}): nothing to create above it. */
    public static boolean isRoot(String folder) {
        return !folder.isEmpty() && nameStart(folder) == folder.length();
    }
}
