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
 * first resolved (asked about as a path of its own, a folder is kept when its own name is a
 * plain folder, not a link; and whether it is a folder at all, so that making a file's folders
 * need not ask again): a folder not there yet could appear as a link before the copy makes it, so it is
 * resolved again for the next file. A folder swapped for a link while the transfer runs is not
 * seen again; no check over SFTP can close that window, since SFTP has no way to open a file
 * without following links (docs/decisions.md, "Transfers resolve each folder once").
 */
final class ResolvedFolders {
    private final Map<String, String> real = new HashMap<>();
    /** Of the folders in {@link #real}, those whose last part was seen to be a folder (not a file). */
    private final java.util.Set<String> seenAsFolders = new java.util.HashSet<>();
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
        String known = real.get(path);
        if (known != null) {
            // A folder this session resolved already (see the class).
            return known;
        }
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
        if (own != null && own.isDirectory() && real.containsKey(MemberPaths.parent(path, os))) {
            // A folder whose every part exists and none is a link: resolved, as folders are once a session.
            real.put(path, candidate);
            seenAsFolders.add(path);
        }
        return named(sftp, candidate, own);
    }

    /** Whether {@code folder} (as written) was resolved in this session and found to be a folder. */
    boolean seenAsFolder(String folder) {
        return seenAsFolders.contains(folder);
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
            if (resolved.folder()) {
                seenAsFolders.add(folder);
            }
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
