package dev.fleet.doctor;

import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import java.util.List;

/** A check about what registered members use; when the registry cannot be read, the registry check says so. */
abstract class MemberCheck implements Check {
    private final RegistryStore store;

    MemberCheck(RegistryStore store) {
        this.store = store;
    }

    @Override
    public final List<Finding> run() {
        Registry registry;
        try {
            registry = store.read();
        } catch (RuntimeException e) {
            return List.of(Finding.note("skipped: the registry cannot be read (see the registry check)"));
        }
        return check(registry);
    }

    abstract List<Finding> check(Registry registry);
}
