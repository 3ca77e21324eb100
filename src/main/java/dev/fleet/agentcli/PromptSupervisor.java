package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.AgentShell;
import dev.fleet.os.PromptLaunch;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one agent CLI invocation on a member and watches it: the total time limit ends it (the
 * channel's timeout), a watcher beside it ends it when it has gone silent for the inactivity limit
 * (nothing printed, transcript unchanged), and stop_prompt ends it on request. Each way of ending
 * takes the whole process tree and is reported as its own failure class.
 */
public final class PromptSupervisor {
    private static final Logger log = LoggerFactory.getLogger(PromptSupervisor.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration MIN_POLL = Duration.ofMillis(250);
    private static final Duration MAX_POLL = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the CLI needs besides its arguments: the prompt, and a secret for one variable (both may be null). */
    record Input(String prompt, String secretVariable, String secret) {
        @Override
        public String toString() {
            return "Input[" + prompt.length() + " chars, secret " + (secret == null ? "none" : "for " + secretVariable) + "]";
        }
    }

    private final RunningPrompts running;
    private final ExecutorService watchers;
    private final Clock clock;

    public PromptSupervisor(RunningPrompts running, ExecutorService watchers, Clock clock) {
        this.running = running;
        this.watchers = watchers;
        this.clock = clock;
    }

    /**
     * Runs the CLI once and reads its reply.
     *
     * @param inactivity zero for no inactivity limit
     */
    AgentReply run(Member member, MemberChannel channel, AgentShell shell, ProviderAdapter cli, Invocation invocation,
                   Input input, Duration timeout, Duration inactivity) throws ChannelException {
        String runId = HexFormat.of().formatHex(randomBytes());
        String promptFolder = cli.promptInput() == PromptLaunch.Input.FILE_IN_FOLDER ? ".fleet-prompt-" + runId : null;
        Invocation inv = new Invocation(invocation.resumeSession(), invocation.model(), invocation.mode(), invocation.maxTurns(),
                promptFolder == null ? null : PromptLaunch.promptPath(promptFolder));
        PromptLaunch launch = new PromptLaunch(runId, member.id(), cli.executable(), cli.promptArgs(inv), input.secretVariable(),
                cli.promptInput(), promptFolder);
        RunningPrompts.Handle handle = running.begin(member.id(), runId);
        watchers.submit(() -> watch(member, channel, shell, cli, handle, timeout, inactivity));
        CommandResult r;
        try {
            r = channel.exec(new CommandRequest(shell.launchPrompt(launch), member.workFolder(), timeout,
                    CommandRequest.DEFAULT_OUTPUT_CAP * 4, PromptLaunch.payload(input.secret(), input.prompt())));
        } finally {
            // The watcher sees the run finish and leaves on its own: interrupting it could cut a stop
            // it is making halfway, between the polite signal and the kill.
            running.finish(handle);
        }
        synchronized (handle) {
            // A stop the watcher is making finishes first: "ended" then means the whole tree is gone.
        }
        CliOutput out = CliOutput.of(r);
        if (r.timedOut()) {
            // The channel ended the command tree; this also reaches what it cannot (Windows) and marks the run.
            stopQuietly(member, channel, shell, runId, "timeout");
            return new AgentReply(null, null, null, null, null, null, null, null,
                    Failure.of(FailureClass.TIMEOUT, "no answer within " + timeout.toMillis() + " ms"), false);
        }
        AgentReply reply = cli.parse(out);
        // The wrapper's record says whether fleet ended the run: a stop that found the CLI already
        // done leaves none, and the CLI's own result stands.
        if ("cancelled".equals(out.endedBy())) {
            return reply.withFailure(Failure.of(FailureClass.CANCELLED, "stopped by stop_prompt"));
        }
        if ("stalled".equals(out.endedBy())) {
            return reply.withFailure(Failure.of(FailureClass.STALLED, "no output and no transcript change for "
                    + inactivity.toMillis() + " ms"));
        }
        return reply;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * Looks at the run at intervals until it finishes: ends it when it has been silent for the
     * inactivity limit, and repeats a stop that arrived before the CLI had started. A look that
     * fails counts as nothing: doubt never ends a run.
     */
    private void watch(Member member, MemberChannel channel, AgentShell shell, ProviderAdapter cli, RunningPrompts.Handle handle,
                       Duration timeout, Duration inactivity) {
        boolean limited = !inactivity.isZero() && !inactivity.isNegative();
        Duration interval = limited ? clamp(inactivity.dividedBy(4)) : MAX_POLL;
        InactivityWatch quiet = new InactivityWatch(clock, limited ? inactivity : Duration.ofDays(365));
        long looks = timeout.toMillis() / interval.toMillis() + 2;
        try {
            for (long i = 0; i < looks; i++) {
                if (handle.awaitFinish(interval.toMillis())) {
                    return;
                }
                if (!limited && handle.endedBy() == null) {
                    continue; // nothing to watch for: no inactivity limit, no stop waiting for the CLI to start
                }
                Map<String, String> seen = look(channel, shell, handle.runId(), cli.transcripts());
                if (seen == null || seen.containsKey("state")) {
                    continue;
                }
                boolean alive = "yes".equals(seen.get("alive"));
                InactivityWatch.Observation o = new InactivityWatch.Observation(number(seen.get("out")), number(seen.get("err")),
                        "changed".equals(seen.get("transcript")));
                boolean silent = quiet.silentTooLong(o);
                synchronized (handle) {
                    if (handle.endedBy() == FailureClass.CANCELLED && alive) {
                        // stop_prompt came before the CLI had started; now it has.
                        stopQuietly(member, channel, shell, handle.runId(), "cancelled");
                    } else if (silent && limited && alive && handle.end(FailureClass.STALLED)) {
                        log.info("{}: prompt silent for {} ms (limit {} ms); ending it", member.friendlyName(),
                                quiet.quietFor().toMillis(), inactivity.toMillis());
                        stopQuietly(member, channel, shell, handle.runId(), "stalled");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration clamp(Duration d) {
        return d.compareTo(MIN_POLL) < 0 ? MIN_POLL : d.compareTo(MAX_POLL) > 0 ? MAX_POLL : d;
    }

    private static Map<String, String> look(MemberChannel channel, AgentShell shell, String runId, List<PromptLaunch.WatchedFolder> watched) {
        try {
            CommandResult r = channel.exec(CommandRequest.probe(shell.pollPrompt(runId, watched), PROBE_TIMEOUT));
            if (!r.succeeded()) {
                return null;
            }
            Map<String, String> values = new java.util.HashMap<>();
            for (String line : r.stdout().split("\\R")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            return values;
        } catch (ChannelException e) {
            return null;
        }
    }

    private static long number(String s) {
        try {
            return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void stopQuietly(Member member, MemberChannel channel, AgentShell shell, String runId, String reason) {
        try {
            channel.exec(CommandRequest.probe(shell.stopPrompts(member.id(), runId, reason), PROBE_TIMEOUT));
        } catch (ChannelException e) {
            log.warn("{}: could not end prompt run {} ({})", member.friendlyName(), runId, e.getMessage());
        }
    }
}
