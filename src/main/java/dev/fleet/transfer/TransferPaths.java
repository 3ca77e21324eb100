package dev.fleet.transfer;

import dev.fleet.exec.MemberPaths;
import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The path policy of file transfers, the same in both directions. A file's name as the other side
 * gave it is untrusted: it is split on every separator either OS uses ({@code /} and {@code \}),
 * and refused, for that file alone, when any part is {@code ..}, when it is absolute ({@code /x},
 * {@code \x}, {@code \\server\share}) or names a drive ({@code C:}), or holds a NUL. What is left
 * can only go down from the folder it is placed in. On this machine the final path is checked
 * once more with links resolved, before a byte is written.
 */
final class TransferPaths {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);
    /** As many links as Linux follows in one path. */
    private static final int MAX_LINKS = 40;

    private TransferPaths() {
    }

    /** A file the policy refuses, with the reason shown for that file. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    /** The parts of a relative name, split on {@code /} and {@code \}; refused when it could leave its folder. */
    static List<String> parts(String name) throws Refused {
        if (MemberPaths.holdsNul(name)) {
            throw new Refused("its name holds a NUL character; refused");
        }
        if (name.startsWith("/") || name.startsWith("\\")) {
            throw new Refused("its name is absolute; refused");
        }
        if (DRIVE.matcher(name).matches()) {
            throw new Refused("its name starts with a drive letter; refused");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("[/\\\\]")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new Refused("its name contains '..' and would leave the folder; refused");
            }
            if (DRIVE.matcher(part).matches() && part.length() == 2) {
                throw new Refused("its name contains a drive letter; refused");
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            throw new Refused("its name is empty; refused");
        }
        return parts;
    }

    /**
     * {@code parts} when each fits in a file name on {@code os} (where the file is written); a
     * longer name is refused here, saying so, rather than by the file system in its own words.
     */
    static List<String> fitting(List<String> parts, MemberOs os) throws Refused {
        for (String part : parts) {
            if (MemberPaths.tooLong(part, os)) {
                throw new Refused("its name is too long (" + describeLength(part) + "): " + MemberPaths.nameLimitRule(os)
                        + "; refused");
            }
        }
        return parts;
    }

    /** A name too long to show whole, by its start and its length. */
    static String describeLength(String name) {
        int start = name.offsetByCodePoints(0, Math.min(24, name.codePointCount(0, name.length())));
        return "'" + name.substring(0, start) + "…', " + name.getBytes(StandardCharsets.UTF_8).length + " bytes, "
                + name.length() + " characters";
    }

    /**
     * The local file for {@code parts} below {@code realDest} (the destination folder, real path),
     * checked with every existing link resolved: refused when it would lie outside.
     */
    static Path local(Path realDest, List<String> parts) throws Refused, IOException {
        Path target;
        try {
            target = realDest;
            for (String p : parts) {
                target = target.resolve(p);
            }
        } catch (InvalidPathException e) {
            throw new Refused("its name cannot be a file name on this machine; refused");
        }
        if (!target.normalize().startsWith(realDest)) {
            throw new Refused("it would be written outside " + realDest + " (through a link); refused");
        }
        linksStayInside(realDest, target);
        return target;
    }

    /**
     * Refuses {@code target} (a path {@link #local} gave) when, with every existing link
     * resolved, it lies outside {@code realDest}. {@link #local} checks it; a caller checks it once
     * more just before it creates folders or writes, as links may have appeared since.
     */
    static void linksStayInside(Path realDest, Path target) throws Refused, IOException {
        if (!real(target, 0).startsWith(realDest)) {
            throw new Refused("it would be written outside " + realDest + " (through a link); refused");
        }
    }

    /** Confirms, after its folders were created, that the file's folder still resolves inside {@code realDest}. */
    static void stillInside(Path realDest, Path target) throws Refused, IOException {
        if (!target.getParent().toRealPath().startsWith(realDest)) {
            throw new Refused("its folder resolves outside " + realDest + " (through a link); refused");
        }
    }

    /**
     * The real path of the longest existing part of {@code p} (links resolved), the rest appended
     * as written. A chain of dangling links longer than the kernel follows is refused, not guessed.
     */
    private static Path real(Path p, int hops) throws Refused, IOException {
        if (hops > MAX_LINKS) {
            throw new Refused("more than " + MAX_LINKS + " links on its way; refused");
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        // A dangling link counts by where it points: toRealPath would fail on it.
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            Path to = existing.getParent().resolve(Files.readSymbolicLink(existing));
            return real(to.normalize(), hops + 1).resolve(existing.relativize(p));
        }
        return existing.toRealPath().resolve(existing.relativize(p));
    }
}
