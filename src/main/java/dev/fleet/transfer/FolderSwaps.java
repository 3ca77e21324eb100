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
 * read when the transfer begins and again, over a session of its own (nothing cached), when it
 * ends: a folder that now leads outside the work folder marks the files that went through it.
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
     * The folders seen at the start that now lead out of the work folder, with where they lead.
     * When the member can no longer be asked (the connection was cut, which the files' own results
     * already say), none.
     */
    Moved check(MemberChannel channel) {
        Map<String, String> moved = new HashMap<>();
        if (seen.isEmpty()) {
            return new Moved(moved);
        }
        try (FileSession fresh = channel.files()) {
            for (Map.Entry<String, String> e : seen.entrySet()) {
                String now = fresh.realPath(e.getKey());
                if (!now.equals(e.getValue()) && !MemberPaths.isInside(realRoot, now, os)) {
                    moved.put(e.getKey(), now);
                }
            }
        } catch (IOException | ChannelException e) {
            log.debug("folders not checked again after the transfer: {}", e.getMessage());
        }
        return new Moved(moved);
    }
}
