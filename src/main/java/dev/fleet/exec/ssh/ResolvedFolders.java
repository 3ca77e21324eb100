package dev.fleet.exec.ssh;

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

    /** The path with every link resolved; parts that do not exist are kept as written. */
    String realPath(SftpClient sftp, String path) throws IOException {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        if (slash <= 0 || path.indexOf('\\') >= 0 || name.isEmpty() || name.equals(".") || name.equals("..")) {
            return SshChannel.resolveLinks(sftp, path);
        }
        String folder = path.substring(0, slash);
        String realFolder = real.get(folder);
        if (realFolder == null) {
            SshChannel.Resolved resolved = SshChannel.resolve(sftp, folder);
            if (!resolved.exists()) {
                // Below a missing folder nothing can be a link yet: the name is kept as written.
                return join(resolved.path(), name);
            }
            realFolder = resolved.path();
            real.put(folder, realFolder);
        }
        String candidate = join(realFolder, name);
        try {
            if (!sftp.lstat(candidate).isSymbolicLink()) {
                return candidate;
            }
        } catch (SftpException notThere) {
            return candidate;
        }
        return SshChannel.resolveLinks(sftp, candidate);
    }

    private static String join(String folder, String name) {
        return folder.endsWith("/") ? folder + name : folder + "/" + name;
    }
}
