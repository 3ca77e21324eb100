package dev.fleet.status;

import dev.fleet.agentcli.MemberAgent;
import dev.fleet.base.Failures;
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
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What fleet_status, member_detail and cloud_control status report: the cloud's answer about
 * each instance, then the SSH probes of what can be reached. A stopped instance is reported as
 * such and never contacted (that would need a start). fleet_status has one deadline for the whole
 * call, cloud answers and probes alike (each machine's probe is also bounded on its own, see
 * {@link StatusService}).
 */
public final class FleetProbe {
    private static final Logger log = LoggerFactory.getLogger(FleetProbe.class);

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
    private final Duration statusDeadline;
    private final Function<Member, Optional<String>> idleDoubt;

    /**
     * @param statusDeadline how long one fleet_status call waits for all answers together, cloud and machines
     * @param idleDoubt      why the idle watcher has long been unable to tell whether a member is idle, if it has
     */
    public FleetProbe(RegistryStore store, StatusService machines, DetailService details, CloudStatus cloudStatus,
                      GpuProbe gpu, Budgets budgets, GuardService guard, ExecutorService pool, Duration statusDeadline,
                      Function<Member, Optional<String>> idleDoubt) {
        this.store = store;
        this.budgets = budgets;
        this.guard = guard;
        this.machines = machines;
        this.details = details;
        this.cloudStatus = cloudStatus;
        this.gpu = gpu;
        this.pool = pool;
        this.statusDeadline = statusDeadline;
        this.idleDoubt = idleDoubt;
    }

    /**
     * Every member, in registration order, within one deadline: the cloud is asked about every
     * instance while the machines without an instance are probed; a member whose instance runs is
     * probed as soon as the cloud says so. Whatever has not answered when the deadline passes is
     * reported as such; nothing waits for it. A check that failed unexpectedly is reported as that
     * failure, not as a missing answer.
     */
    public List<MemberState> fleet() {
        Registry registry = store.read();
        long deadline = System.nanoTime() + statusDeadline.toNanos();
        List<Member> plain = registry.members().stream().filter(m -> m.cloud() == null).toList();
        CompletableFuture<List<MemberStatus>> plainProbes = CompletableFuture.supplyAsync(() -> machines.check(plain), pool);
        Map<String, CompletableFuture<CloudReading>> asked = new LinkedHashMap<>();
        Map<String, CompletableFuture<MemberStatus>> cloudProbes = new LinkedHashMap<>();
        for (Member m : registry.members()) {
            if (m.cloud() != null) {
                CompletableFuture<CloudReading> reading = CompletableFuture.supplyAsync(() -> cloud(m), pool);
                asked.put(m.id(), reading);
                cloudProbes.put(m.id(), reading.thenApplyAsync(c -> c.isRunning()
                        ? machines.check(List.of(m)).get(0) : notContacted(m, c.summary()), pool));
            }
        }
        Map<String, MemberStatus> probed = new LinkedHashMap<>();
        Answer<List<MemberStatus>> plainAnswers = await(plainProbes, deadline, "the members without an instance");
        for (int i = 0; i < plain.size(); i++) {
            Member m = plain.get(i);
            probed.put(m.id(), plainAnswers.value() != null ? plainAnswers.value().get(i) : offline(m, plainAnswers.problem()));
        }
        Map<String, CloudReading> clouds = new LinkedHashMap<>();
        for (Member m : registry.members()) {
            if (m.cloud() != null) {
                Answer<CloudReading> c = await(asked.get(m.id()), deadline, m.friendlyName());
                if (c.value() == null) {
                    // The probe waited on this reading, so it ended with it: the reading's problem is the member's.
                    CloudReading failed = failed(m, c.problem());
                    clouds.put(m.id(), failed);
                    probed.put(m.id(), notContacted(m, failed.summary()));
                } else {
                    clouds.put(m.id(), c.value());
                    Answer<MemberStatus> st = await(cloudProbes.get(m.id()), deadline, m.friendlyName());
                    probed.put(m.id(), st.value() != null ? st.value() : offline(m, st.problem()));
                }
            }
        }
        return registry.members().stream().map(m -> new MemberState(probed.get(m.id()), MemberIcons.display(m),
                MemberAgent.providerName(m), clouds.get(m.id()))).toList();
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
            idleDoubt.apply(m).ifPresent(more::add);
        }
        return new CloudReading(s.withWarnings(more), g.reading());
    }

    /** An answer, or (value null) why there is none. */
    private record Answer<T>(T value, String problem) {
    }

    /**
     * The answer if it came before the deadline; otherwise the work is abandoned and the problem
     * says why: no answer in time, or the failure that ended it (its kind only; the log has where).
     */
    private <T> Answer<T> await(CompletableFuture<T> answer, long deadline, String about) {
        try {
            return new Answer<>(answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException | CancellationException e) {
            answer.cancel(true);
            return new Answer<>(null, noAnswer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return new Answer<>(null, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CancellationException) {
                return new Answer<>(null, noAnswer());
            }
            log.warn("status of {} failed unexpectedly: {}", about, Failures.withoutMessages(cause));
            return new Answer<>(null, "status check failed: " + Failures.shown(cause));
        }
    }

    private String noAnswer() {
        return "no answer within " + statusDeadline.toSeconds() + " s";
    }

    private static CloudReading failed(Member m, String why) {
        return new CloudReading(new CloudSummary(m.cloud().instanceId(), m.cloud().region(), null, null,
                m.cloud().idleTimeoutMin(), why), null);
    }

    private static MemberStatus offline(Member m, String why) {
        return new MemberStatus(m.id(), m.friendlyName(), m.agentType().json(), false, why, BusyState.UNKNOWN,
                m.sessionId(), m.lastUsed(), m.workFolder());
    }

    private static MemberStatus notContacted(Member m, CloudSummary cloud) {
        return new MemberStatus(m.id(), m.friendlyName(), m.agentType().json(), false,
                cloud.error() != null ? "cloud error: " + cloud.error() : "instance " + cloud.stateLabel(),
                BusyState.UNKNOWN, m.sessionId(), m.lastUsed(), m.workFolder());
    }
}
