package dev.fleet.exec;

/**
 * What a transfer compares to tell an unchanged file: its size and its modification time in whole
 * seconds (the precision SFTP carries).
 */
public record FileStat(long size, long modifiedSeconds) {
}
