package dev.fleet.exec;

import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside a member's work folder. The check is lexical and follows the member's OS: on a
 * Linux or macOS member only {@code /} separates names, and {@code \} or {@code C:} are ordinary
 * characters of a name ({@code /w\out} is a sibling of {@code /w}, not inside it); on a Windows
 * member {@code /} and {@code \} both separate, {@code C:} names a drive, and paths compare as
 * Windows compares them (see {@link #windowsPath}). Channels add a symlink-aware check with
 * {@link MemberChannel#realPath}.
 *
 * <p>The Windows rules, in one place: a path's root is read in any of its forms ({@code C:\},
 * {@code C:/}, {@code /C:/} as OpenSSH for Windows writes it over SFTP, {@code \\?\C:\} and
 * {@code \??\C:\}) as the drive {@code C:}, and {@code \\host\share} (also {@code \\?\UNC\host\share})
 * as a network share; drive letters and names compare without regard to the case of ASCII
 * letters. What cannot be decided safely is refused ({@link RefusedPath}, naming the rule): a
 * device or volume path ({@code \\.\}, {@code \\?\Volume{…}}), a path with no drive
 * ({@code \x}) or relative to a drive's current folder ({@code C:x}), a {@code .} or {@code ..}
 * in a path that should already be real, a name ending in a dot or a space (Windows drops them
 * or keeps them depending on how the path is written: {@code work.} may be {@code work}), and a
 * {@code :} in a name (an alternate data stream). Other letters' case is not folded: the member's
 * file system has its own case table, and a name that differs only there is taken for another
 * name, so at worst a path inside is refused, never one outside let in.
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
            if (windows && windowsNameRule(part) != null) {
                return null;
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
     * Why a relative path breaks a rule of the member's OS for names, in words; null when none
     * does. Only Windows has such rules here (see {@link #windowsNameRule}); {@link #resolveInside}
     * refuses such a path.
     */
    public static String nameRule(String relative, MemberOs os) {
        if (os != MemberOs.WINDOWS) {
            return null;
        }
        for (String part : relative.split("[/\\\\]")) {
            String rule = part.isEmpty() ? null : windowsNameRule(part);
            if (rule != null) {
                return rule;
            }
        }
        return null;
    }

    /**
     * True when {@code path} is {@code root} or lies below it. Only the member's own separators
     * count: on a Linux or macOS member {@code /w\x} is a name beside {@code /w}, never inside it.
     * On a Windows member both are compared as Windows reads them (see {@link #windowsPath}), and
     * a path either of them cannot be decided for is not inside ({@link #undecidable} says why).
     */
    public static boolean isInside(String root, String path, MemberOs os) {
        if (os == MemberOs.WINDOWS) {
            return insideOnWindows(root, path);
        }
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
    public static int nameStart(String path, MemberOs os) {
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

    /**
     * Why {@link #isInside} cannot compare {@code path} on a member of {@code os} (the rule it
     * breaks, in words), or null when it can. Only a Windows member has such paths.
     */
    public static String undecidable(String path, MemberOs os) {
        if (os != MemberOs.WINDOWS) {
            return null;
        }
        try {
            comparable(path);
            return null;
        } catch (RefusedPath e) {
            return e.getMessage();
        }
    }

    /** A member path that a rule of its OS refuses to decide on; the message names the rule. */
    public static final class RefusedPath extends IOException {
        public RefusedPath(String path, String rule) {
            super(path + ": " + rule + "; refused");
        }
    }

    /**
     * An absolute path on a Windows member, taken apart: its root in one form whichever it was
     * written in ({@code C:}, or {@code \\host\share} for a network share) and its names as
     * written ({@code .} and {@code ..} kept, for the caller to resolve or refuse).
     */
    public record WindowsPath(String root, List<String> names) {
        public WindowsPath {
            names = List.copyOf(names);
        }

        /** True for a network share ({@code \\host\share}), false for a drive. */
        public boolean network() {
            return root.startsWith("\\\\");
        }
    }

    /**
     * {@code path} as a Windows member reads it (see the class comment for the forms and
     * refusals); only the root is checked here, the names are as written. A relative path is
     * refused too: the caller wants an absolute one ({@link #isWindowsRelative} tells one apart).
     */
    public static WindowsPath windowsPath(String path) throws RefusedPath {
        String s = path.replace('\\', '/');
        if (s.startsWith("///")) {
            // OpenSSH for Windows puts a '/' before an absolute link target: /\\host\share, /\\?\C:\x.
            s = s.substring(1);
        }
        if (s.startsWith("//?/") || s.startsWith("/??/")) {
            String verbatim = s.substring(4);
            if (verbatim.regionMatches(true, 0, "UNC/", 0, 4)) {
                return share(path, verbatim.substring(4));
            }
            if (!startsWithDrive(verbatim, false)) {
                throw new RefusedPath(path, "a device or volume path (\\\\?\\ or \\??\\ without a drive letter) is not compared"
                        + " with the work folder");
            }
            return drive(verbatim);
        }
        if (s.startsWith("//./") || s.equals("//.")) {
            throw new RefusedPath(path, "a device path (\\\\.\\) is not compared with the work folder");
        }
        if (s.startsWith("//")) {
            return share(path, s.substring(2));
        }
        if (s.startsWith("/") && startsWithDrive(s.substring(1), true)) {
            // The form OpenSSH for Windows gives over SFTP; "/C:" alone is the drive's root there.
            return drive(s.substring(1));
        }
        if (startsWithDrive(s, false)) {
            return drive(s);
        }
        if (s.length() >= 2 && isAsciiLetter(s.charAt(0)) && s.charAt(1) == ':') {
            throw new RefusedPath(path, "a path relative to a drive's current folder (C: or C:x) cannot be placed");
        }
        if (s.startsWith("/")) {
            throw new RefusedPath(path, "a path without a drive letter (\\x) depends on the current drive and cannot be placed");
        }
        throw new RefusedPath(path, "a relative path cannot be placed without its folder");
    }

    /**
     * True when {@code target} (a link's target on a Windows member) is relative to the link's
     * folder: no root, no drive, not from the root of the current drive. Such a target is
     * resolved from the link's folder; any other is read by {@link #windowsPath}.
     */
    public static boolean isWindowsRelative(String target) {
        String s = target.replace('\\', '/');
        return !s.startsWith("/") && !(s.length() >= 2 && isAsciiLetter(s.charAt(0)) && s.charAt(1) == ':');
    }

    /**
     * Why Windows does not keep {@code name} as written (the rule, in words), or null when it
     * does; {@code .} and {@code ..} are the caller's to resolve or refuse.
     */
    public static String windowsNameRule(String name) {
        if (name.equals(".") || name.equals("..")) {
            return null;
        }
        if (name.endsWith(".") || name.endsWith(" ")) {
            return "a name ending in a dot or a space (\"" + name + "\") is not kept as written on Windows"
                    + " (\"work.\" may be \"work\"), so where it leads cannot be decided";
        }
        if (name.indexOf(':') >= 0) {
            return "a ':' in a name (\"" + name + "\") names an alternate data stream or a drive on Windows, not a file";
        }
        return null;
    }

    /** {@code name} as Windows compares it here: ASCII letters in upper case, every other character as it is. */
    public static String windowsKey(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        }
        return b.toString();
    }

    private static boolean insideOnWindows(String root, String path) {
        WindowsPath r;
        WindowsPath p;
        try {
            r = comparable(root);
            p = comparable(path);
        } catch (RefusedPath e) {
            return false;
        }
        if (!windowsKey(r.root()).equals(windowsKey(p.root())) || p.names().size() < r.names().size()) {
            return false;
        }
        for (int i = 0; i < r.names().size(); i++) {
            if (!windowsKey(r.names().get(i)).equals(windowsKey(p.names().get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #windowsPath} with every name checked: a path that should be real has no {@code .} or {@code ..}. */
    private static WindowsPath comparable(String path) throws RefusedPath {
        WindowsPath w = windowsPath(path);
        for (String name : w.names()) {
            if (name.equals(".") || name.equals("..")) {
                throw new RefusedPath(path, "a '.' or '..' in a path that should be real is not resolved by name here");
            }
            String rule = windowsNameRule(name);
            if (rule != null) {
                throw new RefusedPath(path, rule);
            }
        }
        return w;
    }

    /**
     * True when {@code s} (forward slashes only) starts with a drive's root: {@code C:/}, or
     * {@code C:} alone when {@code bare} (only after the leading {@code /} of the SFTP form:
     * elsewhere {@code C:} is that drive's current folder, and {@code \\?\C:} the volume itself).
     */
    private static boolean startsWithDrive(String s, boolean bare) {
        return s.length() >= 2 && isAsciiLetter(s.charAt(0)) && s.charAt(1) == ':' && (s.length() == 2 ? bare : s.charAt(2) == '/');
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** {@code s} starts with a drive ({@code C:} then {@code /} or nothing); forward slashes only. */
    private static WindowsPath drive(String s) {
        return new WindowsPath(Character.toUpperCase(s.charAt(0)) + ":", names(s.substring(2)));
    }

    /** {@code s} is {@code host/share/names…}, forward slashes only. */
    private static WindowsPath share(String path, String s) throws RefusedPath {
        List<String> parts = names(s);
        if (s.startsWith("/") || parts.size() < 2 || parts.get(0).equals(".") || parts.get(0).equals("?")
                || parts.get(1).equals(".") || parts.get(1).equals("..")) {
            throw new RefusedPath(path, "a network path must name a host and a share (\\\\host\\share)");
        }
        return new WindowsPath("\\\\" + parts.get(0) + "\\" + parts.get(1), parts.subList(2, parts.size()));
    }

    private static List<String> names(String s) {
        List<String> names = new ArrayList<>();
        for (String n : s.split("/")) {
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return names;
    }

    private static boolean isSeparator(char c, MemberOs os) {
        return c == '/' || (c == '\\' && os == MemberOs.WINDOWS);
    }

    private static String withoutTrailingSeparator(String path, MemberOs os) {
        return path.length() > 1 && isSeparator(path.charAt(path.length() - 1), os) ? path.substring(0, path.length() - 1) : path;
    }
}
