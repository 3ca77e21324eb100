package dev.fleet.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a transfer compares to tell an unchanged file: its size and its modification time in whole
 * seconds (the precision SFTP carries). Its access time ({@code -1}: not read) is never compared;
 * it tells a part file that is being written from one a cut-off copy left (see
 * {@link #lastTouchedSeconds}).
 */
public record FileStat(long size, long modifiedSeconds, long accessedSeconds) {

    /** A size and a modification time, the access time not read. */
    public FileStat(long size, long modifiedSeconds) {
        this(size, modifiedSeconds, -1);
    }

    /** The size and times of attributes already read. */
    public static FileStat of(BasicFileAttributes attributes) {
        return new FileStat(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.SECONDS),
                attributes.lastAccessTime().to(TimeUnit.SECONDS));
    }

    /**
     * The later of its modification and access times. GNU tar gives a file it extracts the time of
     * the file it came from but the access time of the extraction, so a part file that a send
     * into the member's tar made a moment ago shows as touched now, whatever its source's age.
     */
    public long lastTouchedSeconds() {
        return Math.max(modifiedSeconds, accessedSeconds);
    }

    /** The attributes of the regular file {@code path} is or leads to (a link followed); null for anything else. */
    public static FileStat ofTarget(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return a.isRegularFile() ? of(a) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A regular file's size and time on this machine, links not followed; null for anything else
     * (a link, a folder, nothing): what is not a plain file is never taken for an unchanged one.
     */
    public static FileStat ofLocal(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? of(a) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
