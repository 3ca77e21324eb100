package dev.fleet.exec;

import dev.fleet.os.OsCommands;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run id a command carries in its environment ({@link OsCommands#RUN_TAG}), so that it and
 * everything it starts can be found and ended. Local and remote commands get the same shape: the
 * member's tag ({@link OsCommands#runTag}), then random hex, so any fleet server's activity check
 * finds a member's commands wherever the member lives.
 */
public final class RunTag {
    private RunTag() {
    }

    /** {@code <member tag>-<32 hex digits>}: unguessable enough that no other process carries it by chance. */
    public static String next(String memberId) {
        return next(memberId, false);
    }

    /**
     * For a {@code look} (see {@link CommandRequest#look}), {@code <member tag>-look-<32 hex
     * digits>}: still found and ended by its id, but not of the shape activity checks count.
     */
    public static String next(String memberId, boolean look) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return OsCommands.runTag(memberId) + (look ? LOOK : "-") + hex16(r.nextLong()) + hex16(r.nextLong());
    }

    /** What a look's id holds after the member's tag. */
    public static final String LOOK = "-look-";

    /** Sixteen hex digits; not String.format, whose first use costs a fresh server tens of milliseconds. */
    private static String hex16(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }
}
