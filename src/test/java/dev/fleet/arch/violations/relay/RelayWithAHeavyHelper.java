package dev.fleet.arch.violations.relay;

/** A relay class that looks light itself but reaches Jackson databind through a helper, on purpose. */
public final class RelayWithAHeavyHelper {
    public String describe(Object message) {
        return JsonHelper.write(message);
    }
}
