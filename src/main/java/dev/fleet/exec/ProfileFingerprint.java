package dev.fleet.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The state of a set of shell profiles: for each, whether it exists, its modification time and
 * size. Folders (profile.d) count with their own state and that of every file directly in them, so
 * a file added, removed or edited there counts as a change. Costs one stat call per path.
 *
 * <p>Most of the profiles looked at do not exist (a bash user has no zsh or fish files), and every
 * local command looks. Asking for the attributes of a missing file throws, and building those
 * exceptions cost more than all the stat calls together (65-120 us a look, against about 17 us
 * for only asking whether each exists). So a profile that was missing is only asked whether it
 * exists now.
 */
final class ProfileFingerprint {
    private record Seen(Path path, long modified, long size) {
        static final long ABSENT = Long.MIN_VALUE;

        boolean absent() {
            return modified == ABSENT;
        }

        /**
         * The same state of the same path. Not the record's own equals: that one is linked through
         * method handles the first time any record's equals runs in the JVM, which took 15 ms of
         * the second local command after a server started (the first to check a capture).
         */
        boolean sameAs(Seen now) {
            return modified == now.modified && size == now.size;
        }
    }

    private final List<Seen> seen;

    private ProfileFingerprint(List<Seen> seen) {
        this.seen = seen;
    }

    static ProfileFingerprint of(List<Path> roots) {
        List<Seen> seen = new ArrayList<>();
        for (Path p : roots) {
            BasicFileAttributes a = attributes(p);
            seen.add(seen(p, a));
            if (a != null && a.isDirectory()) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(p)) {
                    for (Path f : files) {
                        seen.add(seen(f, attributes(f)));
                    }
                } catch (IOException e) {
                    // An unreadable folder is judged by its own time only.
                }
            }
        }
        return new ProfileFingerprint(List.copyOf(seen));
    }

    /** Whether every profile is as it was; a folder's own time changes when files are added or removed in it. */
    boolean isCurrent() {
        for (Seen s : seen) {
            // Followed links, as attributes() follows them: a link whose target appears counts as a change.
            boolean changed = s.absent() ? s.path().toFile().exists() : !s.sameAs(seen(s.path(), attributes(s.path())));
            if (changed) {
                return false;
            }
        }
        return true;
    }

    private static Seen seen(Path p, BasicFileAttributes a) {
        return a == null ? new Seen(p, Seen.ABSENT, Seen.ABSENT) : new Seen(p, a.lastModifiedTime().to(TimeUnit.MICROSECONDS), a.size());
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            // Followed links: a profile kept in a dotfiles repository changes where the link points.
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }
}
