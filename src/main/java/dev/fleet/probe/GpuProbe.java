package dev.fleet.probe;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * A member's GPUs, judged by its utilization policy ({@code cloud_gpu_busy_min_util}): for the
 * idle check (is this work?) and for the reports, which show the use right now and flag processes
 * holding the GPU idle. Each look takes one sample on the member and adds it to the history the
 * policy judges (the on-instance guard appends to the same history). Where no history is kept
 * (Windows), a plain reading is shown and any compute process counts as work.
 */
public final class GpuProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** What reports show: the use now (null: no GPU, or unreadable) and, when so, why its processes keep nothing up. */
    public record Picture(GpuReading reading, Optional<String> heldIdle) {
        public static final Picture NONE = new Picture(null, Optional.empty());
    }

    private final Channels channels;
    private final ToIntFunction<Member> idleTimeoutMin;

    /** The default policy: the member's own idle timeout. */
    public GpuProbe(Channels channels) {
        this(channels, Member::ownIdleTimeoutMin);
    }

    /** @param idleTimeoutMin the member's idle timeout in force (a budget may have shortened it) */
    public GpuProbe(Channels channels, ToIntFunction<Member> idleTimeoutMin) {
        this.channels = channels;
        this.idleTimeoutMin = idleTimeoutMin;
    }

    /** The GPU picture for a report; a member that cannot be asked shows none. */
    public Picture picture(Member m) {
        try {
            MemberChannel channel = channels.forMember(m);
            Optional<GpuLook> look = look(channel, m, TIMEOUT);
            if (look.isEmpty()) {
                CommandResult r = channel.exec(CommandRequest.look(channel.os().gpuUtilization(), TIMEOUT));
                return new Picture(r.succeeded() ? GpuReading.parse(r.stdout()).orElse(null) : null, Optional.empty());
            }
            GpuVerdict v = judge(m, look.get());
            return new Picture(look.get().reading().orElse(null),
                    v instanceof GpuVerdict.HoldingIdle ? Optional.of(v.reason()) : Optional.empty());
        } catch (Exception e) {
            return Picture.NONE;
        }
    }

    /** Why the member's GPU processes do not count as work (held at 0 % past the idle timeout); empty otherwise. */
    public Optional<String> heldIdle(Member m) {
        return picture(m).heldIdle();
    }

    /**
     * The GPU step of the idle check: only work the policy accepts counts as busy; doubt is unknown.
     * Without a sample history (Windows), any compute process is work.
     */
    Activity activity(MemberChannel channel, Member m, Duration timeout) throws ChannelException {
        Optional<GpuLook> look = look(channel, m, timeout);
        if (look.isEmpty()) {
            return plainActivity(channel, channel.os(), timeout);
        }
        return switch (look.get().tool()) {
            case ABSENT -> new Activity.Idle();
            case FAILED -> new Activity.Unknown(look.get().problem());
            case ANSWERED -> activity(judge(m, look.get()));
        };
    }

    /** Only work counts as busy; doubt is unknown (which never stops a machine); anything else is idle. */
    private static Activity activity(GpuVerdict verdict) {
        if (verdict instanceof GpuVerdict.Busy busy) {
            return new Activity.Busy(busy.reason());
        }
        if (verdict instanceof GpuVerdict.Unknown doubt) {
            return new Activity.Unknown(doubt.reason());
        }
        return new Activity.Idle();
    }

    /** One sample with the recent history; empty where the member's OS keeps none. */
    private Optional<GpuLook> look(MemberChannel channel, Member m, Duration timeout) throws ChannelException {
        Optional<String> command = channel.os().gpuSample(window(m).toSeconds());
        if (command.isEmpty()) {
            return Optional.empty();
        }
        CommandResult r = channel.exec(CommandRequest.look(command.get(), timeout));
        if (r.timedOut()) {
            return Optional.of(GpuLook.failed("nvidia-smi did not answer within " + timeout.toSeconds() + " s"));
        }
        if (!r.succeeded()) {
            return Optional.of(GpuLook.failed("the GPU sample failed (exit " + r.exitCode() + ")"));
        }
        return Optional.of(GpuLook.parse(r.stdout()));
    }

    private GpuVerdict judge(Member m, GpuLook look) {
        int threshold = m.cloud() == null ? 0 : m.cloud().gpuBusyMinUtil();
        return new UtilizationPolicy(threshold, Duration.ofMinutes(idleTimeoutMin.applyAsInt(m)),
                UtilizationPolicy.DEFAULT_MAX_GAP).judge(look.history(), look.nowEpochSec());
    }

    /** Enough history to see a hold well past the timeout; the printed history is bounded in lines as well. */
    private Duration window(Member m) {
        return Duration.ofMinutes(idleTimeoutMin.applyAsInt(m)).plus(UtilizationPolicy.DEFAULT_MAX_GAP).plusMinutes(60);
    }

    private static Activity plainActivity(MemberChannel channel, OsCommands os, Duration timeout) throws ChannelException {
        CommandResult r = channel.exec(CommandRequest.look(os.gpuComputeProcesses(), timeout));
        if (r.timedOut()) {
            return new Activity.Unknown("nvidia-smi did not answer within " + timeout.toSeconds() + " s");
        }
        if (r.exitCode() != null && r.exitCode() == 127) {
            return new Activity.Idle(); // no GPU tool: nothing to learn here
        }
        if (!r.succeeded()) {
            return new Activity.Unknown("nvidia-smi failed (exit " + r.exitCode() + ")");
        }
        List<String> processes = r.stdout().lines().filter(l -> !l.isBlank()).toList();
        return processes.isEmpty() ? new Activity.Idle()
                : new Activity.Busy(processes.size() + " GPU compute process" + (processes.size() == 1 ? "" : "es"));
    }
}
