package dev.fleet.os;

import dev.fleet.base.BundledText;

/**
 * The shell function that reads an SFTP session's byte counters ({@code fleet_sftp_counters PID},
 * from {@code /proc/PID/io}): one text for fleet's idle check and the on-instance guard, which both
 * count a session as a transfer only while its counters change.
 */
public final class SftpCounters {
    /** Defines {@code fleet_sftp_counters}; it prints {@code READ/WRITTEN/}, or nothing where they cannot be read. */
    public static final String FUNCTION = BundledText.of(SftpCounters.class, "sftp-counters.sh");

    private SftpCounters() {
    }
}
