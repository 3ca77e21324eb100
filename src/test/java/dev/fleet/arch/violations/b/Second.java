package dev.fleet.arch.violations.b;

import dev.fleet.arch.violations.a.First;

/** The other half of the package cycle. */
public final class Second {
    public First back() {
        return new First();
    }
}
