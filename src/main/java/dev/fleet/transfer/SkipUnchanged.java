package dev.fleet.transfer;

import java.util.Arrays;
import java.util.List;

/**
 * When a transfer leaves a file alone because the copy at the destination is already the same.
 * Files that are sent or received get their source's modification time, so a later transfer of
 * the same, unchanged files sends nothing.
 */
public enum SkipUnchanged {
    /** Same size and the same modification time in whole seconds (a quick check that reads no content). */
    SIZE_AND_MTIME("size_and_mtime"),
    /** Same size and the same SHA-256 of the content, computed on both ends (reads every candidate file once). */
    CHECKSUM("checksum"),
    /** Every file is transferred. */
    NEVER("never");

    /** The mode of a call that names none. */
    public static final SkipUnchanged DEFAULT = SIZE_AND_MTIME;

    private final String param;

    SkipUnchanged(String param) {
        this.param = param;
    }

    /** The value as the tools' {@code skip_unchanged} parameter spells it. */
    public String param() {
        return param;
    }

    public static List<String> params() {
        return Arrays.stream(values()).map(SkipUnchanged::param).toList();
    }

    /** The mode a (validated) parameter value names; the tools fill in {@link #DEFAULT} when none was given. */
    public static SkipUnchanged fromParam(String value) {
        for (SkipUnchanged s : values()) {
            if (s.param.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown skip_unchanged value " + value);
    }
}
