package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.AgentShell;
import java.time.Duration;
import java.util.List;

/**
 * stop_prompt's service: ends every prompt running for a member, and everything those prompts
 * started, on the member itself (so prompts started by another fleet process stop too), then waits
 * briefly for this process's own runs to report {@code cancelled}. Nothing happens when nothing runs,
 * and a stopped cloud instance is not started (nothing can run there).
 */
public final class PromptStopper {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
    private static final long SETTLE_MS = 15_000;

    private final RunningPrompts running;
    private final Channels channels;

    public PromptStopper(RunningPrompts running, Channels channels) {
        this.running = running;
        this.channels = channels;
    }

    /**
     * @param stopped     CLI processes ended on the member
     * @param notStarted  runs stopped before their CLI had started
     * @param inProcess   prompts this fleet process had running for the member
     * @param settled     whether those finished within the wait
     */
    public record Stopped(int stopped, int notStarted, int inProcess, boolean settled) {
        public boolean nothingRan() {
            return stopped == 0 && notStarted == 0 && inProcess == 0;
        }
    }

    public Stopped stop(Member member) throws ChannelException {
        List<RunningPrompts.Handle> mine = running.of(member.id());
        mine.forEach(h -> h.end(FailureClass.CANCELLED));
        MemberChannel channel = channels.forMember(member);
        CommandResult r = channel.exec(CommandRequest.probe(AgentShell.forOs(channel.os().os()).stopPrompts(member.id(), null, "cancelled"),
                STOP_TIMEOUT));
        int stopped = 0;
        int pending = 0;
        for (String line : r.stdout().split("\\R")) {
            if (line.startsWith("stopped ")) {
                stopped++;
            } else if (line.startsWith("pending ")) {
                pending++;
            }
        }
        boolean settled = true;
        try {
            long until = System.nanoTime() + SETTLE_MS * 1_000_000;
            for (RunningPrompts.Handle h : mine) {
                settled &= h.awaitFinish(Math.max(0, (until - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            settled = false;
        }
        return new Stopped(stopped, pending, mine.size(), settled);
    }
}
