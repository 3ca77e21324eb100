package dev.fleet.probe;

import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import java.time.Duration;
import java.util.Optional;

/** A member's GPU use right now, from {@code nvidia-smi}; empty when it has none, or it cannot be asked. */
public final class GpuProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Channels channels;

    public GpuProbe(Channels channels) {
        this.channels = channels;
    }

    public Optional<GpuReading> read(Member m) {
        try {
            MemberChannel channel = channels.forMember(m);
            CommandResult r = channel.exec(CommandRequest.probe(channel.os().gpuUtilization(), TIMEOUT));
            return r.succeeded() ? GpuReading.parse(r.stdout()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
