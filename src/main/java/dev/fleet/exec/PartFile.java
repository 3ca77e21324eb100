package dev.fleet.exec;

import java.nio.file.Path;

/**
 * The name a file is written under until it is complete: hidden, beside its destination, and
 * unique to this copy ({@code .<name>.fleet-part-<hex>}). Renamed into place only once whole, so
 * a copy cut off midway never leaves half a file under the expected name, and a part file that
 * could not be removed is never taken for the file.
 */
public final class PartFile {
    private static final String MARK = ".fleet-part-";

    private PartFile() {
    }

    /** The part file beside a file on this machine. */
    public static Path beside(Path destination) {
        return destination.resolveSibling(partName(destination.getFileName().toString()));
    }

    /** The part file beside a member path (separated by slashes or, on Windows members, backslashes). */
    public static String beside(String memberPath) {
        int cut = MemberPaths.nameStart(memberPath);
        return memberPath.substring(0, cut) + partName(memberPath.substring(cut));
    }

    /**
     * The destination whose copy left {@code path} (a member path, separated by slashes or
     * backslashes), when it is a part file; null for any other file.
     */
    public static String destinationOf(String path) {
        int cut = MemberPaths.nameStart(path);
        String name = path.substring(cut);
        int mark = name.lastIndexOf(MARK);
        if (!name.startsWith(".") || mark < 2) {
            return null;
        }
        String stamp = name.substring(mark + MARK.length());
        if (stamp.isEmpty() || !stamp.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return null;
        }
        return path.substring(0, cut) + name.substring(1, mark);
    }

    private static String partName(String name) {
        return "." + name + MARK + Long.toHexString(System.nanoTime());
    }
}
