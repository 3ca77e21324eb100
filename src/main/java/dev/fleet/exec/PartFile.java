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

    /** The part file beside a member path as SFTP names it ({@code /}-separated). */
    public static String beside(String memberPath) {
        int cut = memberPath.lastIndexOf('/') + 1;
        return memberPath.substring(0, cut) + partName(memberPath.substring(cut));
    }

    private static String partName(String name) {
        return "." + name + MARK + Long.toHexString(System.nanoTime());
    }
}
