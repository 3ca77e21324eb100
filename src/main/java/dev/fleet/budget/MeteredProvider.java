package dev.fleet.budget;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudProvider;
import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.cloud.Pricing;
import dev.fleet.member.CloudConfig;

/**
 * A provider that tells the spend ledger what it sees: every describe (which fleet makes anyway,
 * for ensure-ready, status and the idle watcher) records the running time, and every stop closes
 * the run. Metering costs no extra cloud call.
 */
public final class MeteredProvider implements CloudProvider {
    private final CloudProvider delegate;
    private final SpendLedger ledger;
    private final Pricing pricing;

    public MeteredProvider(CloudProvider delegate, SpendLedger ledger, Pricing pricing) {
        this.delegate = delegate;
        this.ledger = ledger;
        this.pricing = pricing;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public InstanceDetails describe(CloudConfig cloud) throws CloudException {
        InstanceDetails d = delegate.describe(cloud);
        ledger.observed(d, d.state() == InstanceState.RUNNING ? pricing.hourlyRate(d.instanceType()).orElse(null) : null);
        return d;
    }

    @Override
    public InstanceState start(CloudConfig cloud) throws CloudException {
        return delegate.start(cloud);
    }

    @Override
    public InstanceState stop(CloudConfig cloud) throws CloudException {
        ledger.stopping(cloud.instanceId());
        return delegate.stop(cloud);
    }

    @Override
    public void prepare(CloudConfig cloud) throws CloudException {
        delegate.prepare(cloud);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
