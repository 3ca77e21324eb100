package dev.fleet.status;

import dev.fleet.agentcli.MemberAgent;
import dev.fleet.budget.BudgetCheck;
import dev.fleet.budget.Budgets;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.CloudSummary;
import dev.fleet.guard.GuardService;
import dev.fleet.guard.GuardState;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.probe.BusyState;
import dev.fleet.probe.DetailService;
import dev.fleet.probe.GpuProbe;
import dev.fleet.probe.MemberStatus;
import dev.fleet.probe.ProbeKind;
import dev.fleet.probe.ProbeResult;
import dev.fleet.probe.StatusService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What fleet_status, member_detail and cloud_control status report: the cloud's answer about
 * each instance, then the SSH probes of what can be reached. A stopped instance is reported as
 * such and never contacted (that would need a start). Cloud answers share one deadline for the
 * whole call; each machine's probe is bounded on its own (see {@link StatusService}).
 */
public final class FleetProbe {
    /**
     * One member of fleet_status: its icon as shown and its agent CLI (llm_provider); {@code cloud}
     * is null for a member without a cloud block.
     */
    public record MemberState(MemberStatus status, String icon, String llmProvider, CloudReading cloud) {
    }

    /**
     * One member in depth: its probes, and for a cloud member its instance, its on-instance guard
     * and where it stands against its budgets ({@code guard} and {@code budget} null otherwise).
     */
    public record Detail(Member member, CloudReading cloud, Map<ProbeKind, ProbeResult> probes, GuardState guard,
                         BudgetCheck budget) {
    }

    private final RegistryStore store;
    private final StatusService machines;
    private final DetailService details;
    private final CloudStatus cloudStatus;
    private final GpuProbe gpu;
    private final Budgets budgets;
    private final GuardService guard;
    private final ExecutorService pool;
    private final Duration cloudDeadline;

    /** @param cloudDeadline how long one call waits for all the cloud's answers together */
    public FleetProbe(RegistryStore store, StatusService machines, DetailService details, CloudStatus cloudStatus,
                      GpuProbe gpu, Budgets budgets, GuardService guard, ExecutorService pool, Duration cloudDeadline) {
        this.store = store;
        this.budgets = budgets;
        this.guard = guard;
        this.machines = machines;
        this.details = details;
        this.cloudStatus = cloudStatus;
        this.gpu = gpu;
        this.pool = pool;
        this.cloudDeadline = cloudDeadline;
    }

    /** Every member, in registration order. */
    public List<MemberState> fleet() {
        Registry registry = store.read();
        Map<String, CompletableFuture<CloudReading>> asked = new LinkedHashMap<>();
        for (Member m : registry.members()) {
            if (m.cloud() != null) {
                asked.put(m.id(), CompletableFuture.supplyAsync(() -> cloud(m), pool));
            }
        }
        long deadline = System.nanoTime() + cloudDeadline.toNanos();
        Map<String, CloudReading> clouds = new LinkedHashMap<>();
        for (Member m : registry.members()) {
            CompletableFuture<CloudReading> answer = asked.get(m.id());
            if (answer != null) {
                clouds.put(m.id(), await(answer, m, deadline));
            }
        }
        List<Member> reachable = registry.members().stream()
                .filter(m -> m.cloud() == null || clouds.get(m.id()).isRunning()).toList();
        Map<String, MemberStatus> probed = new LinkedHashMap<>();
        machines.check(reachable).forEach(st -> probed.put(st.id(), st));
        return registry.members().stream().map(m -> new MemberState(
                probed.containsKey(m.id()) ? probed.get(m.id()) : notContacted(m, clouds.get(m.id()).summary()),
                MemberIcons.display(m), MemberAgent.providerName(m), clouds.get(m.id()))).toList();
    }

    /** One member in depth; a stopped instance's probes say why they were not taken. */
    public Detail detail(Member m) {
        CloudReading c = m.cloud() == null ? null : cloud(m);
        Map<ProbeKind, ProbeResult> probes = c != null && !c.isRunning()
                ? Map.of(ProbeKind.CONNECTIVITY, new ProbeResult.Unavailable("instance " + c.summary().stateLabel()
                        + "; cloud_control start brings it up"))
                : details.probe(m);
        if (c == null) {
            return new Detail(m, null, probes, null, null);
        }
        GuardState g = c.isRunning() ? guard.inspect(m)
                : GuardState.unknown("not checked: the instance is " + c.summary().stateLabel());
        return new Detail(m, c, probes, g, budgets.check(m));
    }

    /**
     * A cloud member's instance and, when it runs at the member's address, its GPU use (one SSH
     * command); its warnings include a budget nearly spent, GPU memory held idle and, while it runs,
     * an on-instance guard someone turned off.
     */
    public CloudReading cloud(Member m) {
        CloudSummary s = cloudStatus.summarize(m);
        boolean atMembersAddress = s.isRunning() && s.details().publicIp() != null && s.details().publicIp().equals(m.host());
        GpuProbe.Picture g = atMembersAddress ? gpu.picture(m) : GpuProbe.Picture.NONE;
        List<String> more = new ArrayList<>(budgets.check(m).warning().stream().toList());
        g.heldIdle().ifPresent(more::add);
        if (s.isRunning()) {
            guard.turnedOff(m).ifPresent(more::add);
        }
        return new CloudReading(s.withWarnings(more), g.reading());
    }

    private CloudReading await(CompletableFuture<CloudReading> answer, Member m, long deadline) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return failed(m, "no answer within " + cloudDeadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(m, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            return failed(m, String.valueOf(e.getCause().getMessage()));
        }
    }

    private static CloudReading failed(Member m, String why) {
        return new CloudReading(new CloudSummary(m.cloud().instanceId(), m.cloud().region(), null, null,
                m.cloud().idleTimeoutMin(), why), null);
    }

    private static MemberStatus notContacted(Member m, CloudSummary cloud) {
        return new MemberStatus(m.id(), m.friendlyName(), m.agentType().json(), false,
                cloud.error() != null ? "cloud error: " + cloud.error() : "instance " + cloud.stateLabel(),
                BusyState.UNKNOWN, m.sessionId(), m.lastUsed(), m.workFolder());
    }
}
