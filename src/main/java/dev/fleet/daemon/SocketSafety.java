package dev.fleet.daemon;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Only the owning OS user may talk to a daemon: the socket must be the user's own and closed to
 * everyone else, and, where the OS tells, the process at the other end must run as the same user.
 */
public final class SocketSafety {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SocketSafety() {
    }

    /** Why this socket file must not be used, or null when it is the user's own and private. */
    public static String fileProblem(Path socket) throws IOException {
        if (!POSIX) {
            return null;
        }
        PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String me = System.getProperty("user.name");
        if (!a.owner().getName().equals(me)) {
            return "the socket " + socket + " belongs to " + a.owner().getName() + ", not to " + me;
        }
        Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
        loose.addAll(a.permissions());
        loose.retainAll(OTHERS);
        if (!loose.isEmpty()) {
            return "the socket " + socket + " can be opened by other users (mode "
                    + PosixFilePermissions.toString(a.permissions()) + ")";
        }
        return null;
    }

    /**
     * The user at the other end of a connected socket differs from this process's user, or cannot
     * be read: why; else null. Where the OS has no peer credentials at all (the option is
     * unsupported) the socket file's owner and mode, checked by {@link #fileProblem}, are the guard.
     */
    public static String peerProblem(SocketChannel ch) {
        String peer;
        try {
            peer = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (UnsupportedOperationException noPeerCredentials) {
            // This OS has no SO_PEERCRED (Windows): nothing to compare, and fileProblem (owner and
            // mode of the socket file) is the guard there. Not a refusal, so not a reason string.
            return null;
        } catch (IOException unreadable) {
            // The OS offers peer credentials but would not give them: refuse rather than trust.
            return "the peer's user could not be read (" + unreadable.getMessage() + ")";
        }
        String me = System.getProperty("user.name");
        return peer.equals(me) ? null : "the peer runs as " + peer + ", not as " + me;
    }
}
