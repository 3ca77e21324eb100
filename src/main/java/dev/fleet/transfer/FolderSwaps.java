package dev.fleet.transfer;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.FileSession;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.member.MemberOs;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches a member folder replaced by a link while a transfer ran. A file session resolves each
 * folder once, when the transfer first uses it (a folder of 2,000 files would otherwise cost a
 * round trip per file and part of its path), and SFTP has no way to open a file without following
 * links; so a process on the member that swaps a folder for a link to elsewhere after that moment
 * can lead the files written or read after it out of the work folder. Each folder's real path is
 * read when the transfer begins and again, afresh (nothing the session resolved is reused), when
 * it ends: a folder that now leads outside the work folder marks the files that went through it.
 */
final class FolderSwaps {
    private static final Logger log = LoggerFactory.getLogger(FolderSwaps.class);
    private final String realRoot;
    private final MemberOs os;
    private final Map<String, String> seen = new HashMap<>();

    FolderSwaps(String realRoot, MemberOs os) {
        this.realRoot = realRoot;
        this.os = os;
    }

    /** The folder a member file is in, as this check names it. */
    String folderOf(String memberPath) {
        return MemberPaths.parent(memberPath, os);
    }

    void seen(String folder, String realPath) {
        seen.putIfAbsent(folder, realPath);
    }

    /** What a file that went through a swapped folder is told; null for a folder as it was. */
    record Moved(Map<String, String> to) {
        Optional<String> of(String folder) {
            return Optional.ofNullable(to.get(folder));
        }
    }

    /**
     * The folders seen at the start that now lead out of the work folder, with where they lead:
     * each folder resolved afresh over {@code used}, the transfer's own session (every part of its
     * path looked at now). Only when that session can no longer answer is a session of its own
     * opened for the look, so a connection lost after the last file does not skip it. When the
     * member can no longer be asked at all (the files' own results already say the connection was
     * cut), none.
     */
    Moved check(FileSession used, MemberChannel channel) {
        if (seen.isEmpty()) {
            return new Moved(new HashMap<>());
        }
        try {
            return movedAsSeenBy(used);
        } catch (IOException | ChannelException e) {
            log.debug("the transfer's session could not look at its folders again ({}); a new one does", e.getMessage());
        }
        try (FileSession fresh = channel.files()) {
            return movedAsSeenBy(fresh);
        } catch (IOException | ChannelException e) {
            log.debug("folders not checked again after the transfer: {}", e.getMessage());
        }
        return new Moved(new HashMap<>());
    }

    private Moved movedAsSeenBy(FileSession files) throws IOException, ChannelException {
        Map<String, String> moved = new HashMap<>();
        for (Map.Entry<String, String> e : seen.entrySet()) {
            String now = files.realPathAfresh(e.getKey());
            if (!now.equals(e.getValue()) && !MemberPaths.isInside(realRoot, now, os)) {
                moved.put(e.getKey(), now);
            }
        }
        return new Moved(moved);
    }
}
