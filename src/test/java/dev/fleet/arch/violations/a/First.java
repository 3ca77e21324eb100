package dev.fleet.arch.violations.a;

import dev.fleet.arch.violations.b.Second;

/** One half of a package cycle, on purpose. */
public final class First {
    public Second next() {
        return new Second();
    }
}
