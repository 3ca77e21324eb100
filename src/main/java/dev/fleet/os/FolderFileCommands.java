package dev.fleet.os;

import dev.fleet.member.MemberOs;
import java.util.List;

/**
 * Shell text for small files inside a member's work folder (project markers, settings files).
 * Names and relative paths reaching here are fleet's own constants; folders come from the
 * registry and are quoted here.
 */
public interface FolderFileCommands {
    /** Exit status of {@link #read} when the file does not exist. */
    int MISSING = 3;
    /**
     * Exit status of {@link #read} and {@link #write} when the file, or a folder on its way, is a
     * link leading out of the work folder (the file itself: any link): nothing was read or written.
     */
    int OUTSIDE = 5;
    /**
     * Exit status of {@link #read} and {@link #write} when the file's name is taken by something
     * that is not a file (a folder), or a folder on its way is a file: nothing was read or written.
     */
    int NOT_A_FILE = 6;

    static FolderFileCommands forOs(MemberOs os) {
        return os == MemberOs.WINDOWS ? new WindowsFolderFiles() : new PosixFolderFiles();
    }

    /**
     * Prints, one per line, each of {@code names} that exists directly in {@code folder}, then each
     * of {@code globs} (simple {@code *.ext} patterns) that matches at least one file there.
     * Exit 3 when the folder does not exist.
     */
    String existing(String folder, List<String> names, List<String> globs);

    /**
     * Prints the file {@code folder/relative}; prints nothing and exits {@value #MISSING} when it
     * does not exist, {@value #OUTSIDE} when reading it would go through a link (see there).
     */
    String read(String folder, String relative);

    /**
     * Replaces {@code folder/relative} with standard input (UTF-8), creating its parent folders;
     * readers never see a half-written file. Nothing is written through a link ({@value #OUTSIDE}).
     */
    String write(String folder, String relative);
}
