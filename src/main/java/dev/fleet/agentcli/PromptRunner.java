package dev.fleet.agentcli;

import dev.fleet.base.Sleeper;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.member.MemberRules;
import dev.fleet.os.OsCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a prompt on a member with the retry rules users expect: a resumed session that fails is
 * retried once as a fresh session; an overloaded service gets one retry after a back-off; auth
 * and rate-limit failures are reported at once, never retried in a loop.
 */
public final class PromptRunner {
    private static final Logger log = LoggerFactory.getLogger(PromptRunner.class);

    private final Duration overloadedBackoff;
    private final Sleeper sleeper;

    public PromptRunner(Duration overloadedBackoff, Sleeper sleeper) {
        this.overloadedBackoff = overloadedBackoff;
        this.sleeper = sleeper;
    }

    /** The outcome, and whether a resume was attempted and abandoned for a fresh session. */
    public record Run(PromptOutcome outcome, boolean resumed, boolean fellBackToFresh, int attempts) {
    }

    public Run run(Member member, MemberChannel channel, PromptRequest request) throws ChannelException {
        OsCommands os = channel.os();
        String session = request.resume() && MemberRules.isValidSessionId(member.sessionId()) ? member.sessionId() : null;
        int attempts = 1;
        PromptOutcome outcome = once(member, channel, os, request, session);
        boolean fellBack = false;
        if (session != null && !(outcome instanceof PromptOutcome.Answered) && !(outcome instanceof PromptOutcome.TimedOut)
                && !(outcome instanceof PromptOutcome.RateLimited) && !(outcome instanceof PromptOutcome.AuthFailed)) {
            log.info("{}: resuming session failed ({}); retrying once as a fresh session",
                    member.friendlyName(), outcome.getClass().getSimpleName());
            fellBack = true;
            attempts++;
            outcome = once(member, channel, os, request, null);
        }
        if (outcome instanceof PromptOutcome.Overloaded) {
            log.info("{}: agent service overloaded; one retry in {} ms", member.friendlyName(), overloadedBackoff.toMillis());
            sleep(overloadedBackoff);
            attempts++;
            outcome = once(member, channel, os, request, fellBack ? null : session);
        }
        return new Run(outcome, session != null, fellBack, attempts);
    }

    private PromptOutcome once(Member member, MemberChannel channel, OsCommands os, PromptRequest request, String session)
            throws ChannelException {
        List<String> args = new ArrayList<>(List.of("--output-format", "json", "--max-turns", String.valueOf(request.maxTurns())));
        if (session != null) {
            args.add("--resume");
            args.add(session);
        }
        if (request.model() != null) {
            args.add("--model");
            args.add(request.model());
        }
        if (request.dangerouslySkipPermissions()) {
            args.add("--dangerously-skip-permissions");
        }
        byte[] encoded = Base64.getEncoder().encode(request.prompt().getBytes(StandardCharsets.UTF_8));
        CommandResult r = channel.exec(new CommandRequest(os.agentPrompt(args), member.workFolder(), request.timeout(),
                CommandRequest.DEFAULT_OUTPUT_CAP * 4, encoded));
        return AgentOutput.parse(r, request.timeout().toMillis());
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
