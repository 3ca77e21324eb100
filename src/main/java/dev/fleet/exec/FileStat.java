package dev.fleet.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a transfer compares to tell an unchanged file: its size and its modification time in whole
 * seconds (the precision SFTP carries).
 */
public record FileStat(long size, long modifiedSeconds) {

    /** The size and time of attributes already read. */
    public static FileStat of(BasicFileAttributes attributes) {
        return new FileStat(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.SECONDS));
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
