package dev.fleet.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * A member's files, open for a batch of operations: over SSH one SFTP session serves the whole
 * batch, so a transfer of many files does not pay a session per file. Close it when done.
 */
public interface FileSession extends AutoCloseable {

    /**
     * Copies one local file to an absolute path on the member, creating parent folders. The bytes go
     * to a part file beside the destination, which gets {@code modifiedSeconds} as its modification
     * time (so that a later transfer can tell it is unchanged) and is renamed into place when
     * complete: a copy cut off midway never leaves half a file under the name. Where the destination
     * lies is shown to {@code placement} before anything is made (its folder's links resolved at
     * least; an implementation may leave the name itself as written then) and again right before
     * the rename (every link resolved, as {@link #realPath} gives it); a refusal ends the copy with
     * {@link Refused}, nothing left behind. {@code progress} receives the bytes copied so far.
     */
    void upload(Path localFile, String memberPath, long modifiedSeconds, Placement placement, LongConsumer progress)
            throws IOException, ChannelException;

    /**
     * Copies many files at once where the member can take them so, each as {@link #upload} would:
     * a part file beside its destination with the given time, where it lies shown to
     * {@code placement} before anything is made and right before the rename, and renamed into
     * place only once whole. Returns what became of each, in the order given: a file this way
     * does not suit (too large, or the member has no way to take many at once) is
     * {@link Together.Left} and should go through {@link #upload} alone. The default leaves
     * every file.
     */
    default java.util.List<Together> uploadTogether(java.util.List<Upload> uploads, Placement placement)
            throws ChannelException {
        return uploads.stream().map(u -> (Together) new Together.Left()).toList();
    }

    /**
     * One file of {@link #uploadTogether}: {@code size} as planned (what it holds when read is what
     * is sent); {@code progress} receives its bytes copied so far.
     */
    record Upload(Path localFile, String memberPath, long modifiedSeconds, long size, LongConsumer progress) {
    }

    /** What became of one file of {@link #uploadTogether}. */
    sealed interface Together {
        /** In place under its name, {@code bytes} long. */
        record Placed(long bytes) implements Together {
        }

        /** Not copied, for a reason that would hold for a copy alone too (a {@link Refused} placement); nothing left behind. */
        record Failed(IOException error) implements Together {
        }

        /** Not copied this way, nothing left behind: copy it alone. */
        record Left() implements Together {
        }
    }

    /** Where an upload's destination may lie. */
    @FunctionalInterface
    interface Placement {
        /** Null when a file may be put where {@code realPath} lies; else why not, in words for the user. */
        String refusal(String realPath);

        /** Throws {@link Refused} with the words of this placement's refusal of {@code realPath}, if it has one. */
        default void check(String realPath) throws Refused {
            String refusal = refusal(realPath);
            if (refusal != null) {
                throw new Refused(refusal);
            }
        }
    }

    /** An upload its {@link Placement} refused; the message is the refusal's words. */
    final class Refused extends IOException {
        public Refused(String refusal) {
            super(refusal);
        }
    }

    /**
     * Copies one file from an absolute path on the member to a new local file, creating parent
     * folders; a file or link already under that name is an error, never written through. Give
     * the path as {@link #realPath} gave it when it was checked: a local member then follows no
     * link on the way to the file, and refuses the copy when a folder or the file is a link now.
     */
    void download(String memberPath, Path localFile, LongConsumer progress) throws IOException, ChannelException;

    /**
     * Regular files at or below {@code memberPath} (the path itself if it is a file), by absolute
     * member path in name order, with each one's size and modification time; empty if nothing
     * exists there. One listing per folder, not a request per file.
     */
    java.util.Map<String, FileStat> listFileStats(String memberPath) throws IOException, ChannelException;

    /**
     * Size and modification time of the regular files directly in each of {@code memberFolders}
     * (links and folders are left out, as are folders that do not exist), by absolute member path.
     */
    java.util.Map<String, FileStat> describe(java.util.Collection<String> memberFolders) throws IOException, ChannelException;

    /** Removes one regular file on the member (a link is removed, not what it leads to); a file already gone is no error. */
    void removeFile(String memberPath) throws IOException, ChannelException;

    /**
     * The path with symbolic links resolved, for the longest part of it that exists (the rest is
     * appended as written), so a link inside a work folder cannot smuggle a transfer outside it.
     * More links than the kernel follows (a loop) is an {@link IOException}, never a guess.
     */
    String realPath(String memberPath) throws IOException, ChannelException;

    /**
     * {@link #realPath}, with nothing this session has resolved before taken as known: every part
     * of the path is looked at now. A transfer asks this once it is done, to see whether a folder
     * it went through was swapped for a link meanwhile.
     */
    String realPathAfresh(String memberPath) throws IOException, ChannelException;

    @Override
    void close() throws IOException;
}
