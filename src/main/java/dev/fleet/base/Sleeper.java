package dev.fleet.base;

import java.time.Duration;

/** Pauses between attempts. Code that waits takes one, so a test can make time pass without sleeping. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
}
