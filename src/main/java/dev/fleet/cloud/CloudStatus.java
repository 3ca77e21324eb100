package dev.fleet.cloud;

import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.Member;
import java.time.Clock;
import java.time.Duration;

/** Reads a cloud member's instance, cost and GPU use; a provider failure becomes the summary's error. */
public final class CloudStatus {
    private static final Duration GPU_TIMEOUT = Duration.ofSeconds(10);

    private final CloudProviders providers;
    private final Pricing pricing;
    private final Channels channels;
    private final Clock clock;
    private final Findings findings;

    /** What cost safety adds to a summary: budget warnings, and the GPU as the utilization policy sees it. */
    public interface Findings {
        Findings NONE = new Findings() {
            @Override
            public java.util.List<String> warnings(Member m) {
                return java.util.List.of();
            }

            @Override
            public java.util.Optional<Gpu> gpu(Member m) {
                return java.util.Optional.empty();
            }
        };

        /** Warnings that need no call to the member. */
        java.util.List<String> warnings(Member m);

        /** The GPU reading and its warnings (one command on the running member); empty: the plain reading. */
        java.util.Optional<Gpu> gpu(Member m);

        record Gpu(GpuReading reading, java.util.List<String> warnings) {
        }
    }

    public CloudStatus(CloudProviders providers, Pricing pricing, Channels channels, Clock clock) {
        this(providers, pricing, channels, clock, Findings.NONE);
    }

    public CloudStatus(CloudProviders providers, Pricing pricing, Channels channels, Clock clock, Findings findings) {
        this.findings = findings;
        this.providers = providers;
        this.pricing = pricing;
        this.channels = channels;
        this.clock = clock;
    }

    /** {@code probeGpu}: also ask the running instance for its GPU use (one SSH command). */
    public CloudSummary summarize(Member m, boolean probeGpu) {
        var c = m.cloud();
        try {
            InstanceDetails d = providers.forConfig(c).describe(c);
            CostReport cost = CostReport.of(d, pricing, m.lastUsed(), c.idleTimeoutMin(), clock);
            GpuReading gpu = null;
            java.util.List<String> more = new java.util.ArrayList<>(findings.warnings(m));
            if (probeGpu && d.state() == InstanceState.RUNNING && d.publicIp() != null && d.publicIp().equals(m.host())) {
                Findings.Gpu g = findings.gpu(m).orElseGet(() -> new Findings.Gpu(readGpu(m), java.util.List.of()));
                gpu = g.reading();
                more.addAll(g.warnings());
            }
            cost = cost.withWarnings(more);
            return new CloudSummary(c.instanceId(), c.region(), d, cost, gpu, c.idleTimeoutMin(), null);
        } catch (CloudException e) {
            return new CloudSummary(c.instanceId(), c.region(), null, null, null, c.idleTimeoutMin(), e.getMessage());
        }
    }

    private GpuReading readGpu(Member m) {
        try {
            CommandResult r = channels.forMember(m).exec(CommandRequest.probe(Channels.osOf(m).gpuUtilization(), GPU_TIMEOUT));
            return r.succeeded() ? GpuReading.parse(r.stdout()).orElse(null) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
