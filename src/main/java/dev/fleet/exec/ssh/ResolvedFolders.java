package dev.fleet.exec.ssh;

import dev.fleet.exec.MemberPaths;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Real paths over one SFTP session, for the transfer boundary: each folder is resolved once (one
 * lstat per part of its path, the links followed), and each file's own name is checked every time.
 * A folder of 2,000 files in 20 subfolders costs one lstat per file instead of one per part of
 * every file's path; checking every part made that folder take about 1.7 times as long (bench S5).
 *
 * <p>A session serves one transfer. What it remembers is only a folder that existed in full when
 * first resolved: a folder not there yet could appear as a link before the copy makes it, so it is
 * resolved again for the next file. A folder swapped for a link while the transfer runs is not
 * seen again; no check over SFTP can close that window, since SFTP has no way to open a file
 * without following links (docs/decisions.md, "Transfers resolve each folder once").
 */
final class ResolvedFolders {
    private final Map<String, String> real = new HashMap<>();
    /** The member's OS: which characters separate names, and how its paths are read. */
    private final MemberOs os;

    ResolvedFolders(MemberOs os) {
        this.os = os;
    }

    /**
     * The path with every link resolved; parts that do not exist are kept as written. A path
     * whose folder is a root, or whose last part is no plain name, is resolved whole.
     */
    String realPath(SftpClient sftp, String path) throws IOException {
        String candidate = folderResolved(sftp, path);
        if (candidate == null) {
            return SshChannel.resolveLinks(sftp, path, os);
        }
        SftpClient.Attributes own;
        try {
            own = sftp.lstat(candidate);
        } catch (SftpException notThere) {
            own = null;
        }
        return named(sftp, candidate, own);
    }

    /**
     * The path with its folder resolved (once a session, see the class) and its own name as
     * written, not yet looked at; null for a path {@link #realPath} resolves whole (its folder a
     * root, its last part no plain name). Below a folder that does not exist yet the rest is kept
     * as written: nothing there can be a link yet.
     */
    String folderResolved(SftpClient sftp, String path) throws IOException {
        String folder = MemberPaths.parent(path, os);
        String name = path.substring(MemberPaths.nameStart(path, os));
        if (folder == null || MemberPaths.isRoot(folder, os) || name.isEmpty() || name.equals(".") || name.equals("..")
                || (os != MemberOs.WINDOWS && path.indexOf('\\') >= 0)
                || (os == MemberOs.WINDOWS && MemberPaths.windowsNameRule(name) != null)) {
            return null;
        }
        String realFolder = real.get(folder);
        if (realFolder == null) {
            SshChannel.Resolved resolved = SshChannel.resolve(sftp, folder, os);
            if (!resolved.exists()) {
                return join(resolved.path(), name);
            }
            realFolder = resolved.path();
            real.put(folder, realFolder);
        }
        return join(realFolder, name);
    }

    /**
     * The real path of {@code candidate} (from {@link #folderResolved}) given its own attributes
     * ({@code null}: nothing there): a link is followed, anything else is where it is.
     */
    String named(SftpClient sftp, String candidate, SftpClient.Attributes own) throws IOException {
        return own != null && own.isSymbolicLink() ? SshChannel.resolveLinks(sftp, candidate, os) : candidate;
    }

    /** A name below a real folder as {@link SshChannel#resolve} gives it: always with {@code /}, the SFTP form. */
    private static String join(String folder, String name) {
        return folder.endsWith("/") ? folder + name : folder + "/" + name;
    }
}
