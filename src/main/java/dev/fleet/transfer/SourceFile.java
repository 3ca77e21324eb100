package dev.fleet.transfer;

import dev.fleet.exec.FileStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file on this machine to send, its attributes read once for the whole send: its size serves
 * the progress and the result, its time the comparison with the member's copy and the time that
 * copy is given. A link to a regular file is sent as that file.
 *
 * @param link true when {@code path} is a link: such a file is never compared, and so always sent
 */
record SourceFile(Path path, FileStat stat, boolean link) {

    /** Attributes of what {@code path} is (links not followed); null when there is nothing. */
    static BasicFileAttributes own(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** Attributes of what {@code path} leads to: {@code own} itself unless it is a link; null for a dangling link. */
    static BasicFileAttributes leadsTo(Path path, BasicFileAttributes own) {
        if (!own.isSymbolicLink()) {
            return own;
        }
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** The file at {@code path} from its own attributes; null unless it is, or leads to, a regular file. */
    static SourceFile of(Path path, BasicFileAttributes own) {
        BasicFileAttributes target = leadsTo(path, own);
        return target != null && target.isRegularFile() ? new SourceFile(path, FileStat.of(target), own.isSymbolicLink()) : null;
    }

    /** What the comparison of unchanged files sees: nothing for a link, as for a link on the member. */
    FileStat comparable() {
        return link ? null : stat;
    }
}
