package dev.fleet.gpu;

import dev.fleet.cloud.Activity;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import java.time.Duration;
import java.util.function.ToIntFunction;

/**
 * Looks at a member's GPUs and judges them with the member's utilization policy
 * ({@code cloud_gpu_busy_min_util}): for the idle watcher (is this work?) and for the reports
 * that flag processes holding the GPU idle.
 */
public final class GpuWatch {
    private final int samples;
    private final ToIntFunction<Member> idleTimeoutMin;

    /**
     * @param samples        how many recent samples the threshold is averaged over
     * @param idleTimeoutMin the member's idle timeout in force (a budget may have shortened it)
     */
    public GpuWatch(int samples, ToIntFunction<Member> idleTimeoutMin) {
        this.samples = samples;
        this.idleTimeoutMin = idleTimeoutMin;
    }

    /** The GPU sampler works where a POSIX shell runs the command; Windows members keep the plain process check. */
    public static boolean supports(Member m) {
        return m.os() != MemberOs.WINDOWS;
    }

    /** One look: takes a sample (recorded in the member's history) and reads the recent history. */
    public GpuLook look(MemberChannel channel, Member m, Duration timeout) throws ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(GpuSampler.command(window(m)), timeout));
        if (r.timedOut()) {
            return GpuLook.failed("nvidia-smi did not answer within " + timeout.toSeconds() + " s");
        }
        if (!r.succeeded()) {
            return GpuLook.failed("the GPU sample failed (exit " + r.exitCode() + ")");
        }
        return GpuLook.parse(r.stdout());
    }

    public GpuVerdict judge(Member m, GpuLook look) {
        return policy(m).judge(look.history(), look.nowEpochSec());
    }

    /** The GPU step of the idle check: only work the policy accepts counts as busy; doubt is unknown. */
    public Activity activity(MemberChannel channel, Member m, Duration timeout) throws ChannelException {
        GpuLook look = look(channel, m, timeout);
        return switch (look.tool()) {
            case ABSENT -> new Activity.Idle();
            case FAILED -> new Activity.Unknown(look.problem());
            case ANSWERED -> judge(m, look) instanceof GpuVerdict.Busy busy ? new Activity.Busy(busy.reason()) : new Activity.Idle();
        };
    }

    private UtilizationPolicy policy(Member m) {
        int threshold = m.cloud() == null ? 0 : m.cloud().gpuBusyMinUtil();
        return new UtilizationPolicy(threshold, samples, Duration.ofMinutes(idleTimeoutMin.applyAsInt(m)),
                UtilizationPolicy.DEFAULT_MAX_GAP);
    }

    private Duration window(Member m) {
        // Enough to see a hold well past the timeout; the printed history is bounded in lines as well.
        return Duration.ofMinutes(idleTimeoutMin.applyAsInt(m)).plus(UtilizationPolicy.DEFAULT_MAX_GAP).plusMinutes(60);
    }
}
