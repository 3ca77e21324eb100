package dev.fleet.daemon;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;

/**
 * Cloud instances the daemon must keep watching: while one runs, its idle watcher is the thing
 * that will stop it, so the daemon stays up. An instance whose state cannot be read counts as running.
 */
final class CloudWork {
    private final RegistryStore store;
    private final CloudProviders providers;

    CloudWork(RegistryStore store, CloudProviders providers) {
        this.store = store;
        this.providers = providers;
    }

    /** Why the daemon must stay (a cloud member that runs, or whose state is unknown), or null. */
    String reasonToStay() {
        for (Member m : store.read().members()) {
            if (m.cloud() == null) {
                continue;
            }
            InstanceState state;
            try {
                state = providers.forConfig(m.cloud()).describe(m.cloud()).state();
            } catch (CloudException | RuntimeException e) {
                return "cannot read the state of cloud member " + m.friendlyName() + ": " + e.getMessage();
            }
            if (state != InstanceState.STOPPED && state != InstanceState.TERMINATED) {
                return "cloud member " + m.friendlyName() + " is " + state.label();
            }
        }
        return null;
    }
}
