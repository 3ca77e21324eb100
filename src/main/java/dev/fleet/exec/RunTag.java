package dev.fleet.exec;

import java.util.concurrent.ThreadLocalRandom;

/** The tag a command carries in its environment, so that it and everything it starts can be found and ended. */
final class RunTag {
    private RunTag() {
    }

    /** 32 hex digits, unguessable enough that no other process carries the same tag by chance. */
    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }
}
