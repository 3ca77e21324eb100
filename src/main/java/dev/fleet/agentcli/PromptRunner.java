package dev.fleet.agentcli;

import dev.fleet.base.Sleeper;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.member.StoredSecrets;
import dev.fleet.member.MemberRules;
import dev.fleet.os.AgentShell;
import dev.fleet.security.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a prompt on a member with the member's agent CLI and the retry rules users expect: a
 * resumed session that fails is retried once as a fresh session; an overloaded or failing service
 * gets one retry after a back-off; auth and usage-limit failures are reported at once, never
 * retried in a loop; a stopped, stalled or timed-out prompt is never retried. All attempts share
 * the prompt's total time limit.
 */
public final class PromptRunner {
    private static final Logger log = LoggerFactory.getLogger(PromptRunner.class);
    /** Failures a fresh session would not fix, or that must not be repeated. */
    private static final Set<FailureClass> NO_FRESH_RETRY = Set.of(FailureClass.TIMEOUT, FailureClass.STALLED, FailureClass.CANCELLED,
            FailureClass.USAGE_LIMIT, FailureClass.AUTH, FailureClass.WORKSPACE_NOT_TRUSTED);
    private static final Set<FailureClass> BACK_OFF_RETRY = Set.of(FailureClass.OVERLOADED, FailureClass.SERVER);

    private final PromptSupervisor supervisor;
    private final PricingTable pricing;
    private final StoredSecrets secrets;
    private final Duration overloadedBackoff;
    private final Clock clock;
    private final Sleeper sleeper;

    public PromptRunner(PromptSupervisor supervisor, PricingTable pricing, StoredSecrets secrets, Duration overloadedBackoff, Clock clock,
                        Sleeper sleeper) {
        this.supervisor = supervisor;
        this.pricing = pricing;
        this.secrets = secrets;
        this.overloadedBackoff = overloadedBackoff;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The result, and whether a resume was attempted and abandoned for a fresh session. */
    public record Run(PromptResult result, boolean resumed, boolean fellBackToFresh, int attempts) {
    }

    /** @throws AgentUnavailable when the member has no agent CLI fleet can drive */
    public Run run(Member member, MemberChannel channel, PromptRequest request) throws ChannelException {
        ProviderAdapter cli = MemberAgent.adapter(member);
        AgentShell shell = AgentShell.forOs(channel.os().os());
        ModelChoice model = ModelChoice.resolve(cli, request.model(), MemberAgent.modelTiers(member));
        List<String> notes = new ArrayList<>();
        if (request.maxTurns() != null && !cli.supportsMaxTurns()) {
            notes.add(cli.displayName() + " has no turn limit; max_turns was not applied");
        }
        if (request.resume() && !cli.supportsResume()) {
            notes.add(cli.displayName() + " cannot resume a session; this is a new one");
        }
        String session = request.resume() && cli.supportsResume() && MemberRules.isValidSessionId(member.sessionId())
                ? member.sessionId() : null;
        PromptSupervisor.Input input = input(member, cli, request.prompt());
        Instant deadline = clock.instant().plus(request.timeout());

        int attempts = 1;
        AgentReply reply = once(member, channel, shell, cli, request, model, session, input, deadline);
        boolean fellBack = false;
        if (session != null && !reply.answered() && !NO_FRESH_RETRY.contains(reply.failure().kind()) && left(deadline) != null) {
            log.info("{}: resuming session failed ({}); retrying once as a fresh session",
                    member.friendlyName(), reply.failure().kind().json());
            fellBack = true;
            attempts++;
            reply = once(member, channel, shell, cli, request, model, null, input, deadline);
        }
        if (!reply.answered() && BACK_OFF_RETRY.contains(reply.failure().kind()) && left(deadline) != null) {
            log.info("{}: agent service {}; one retry in {} ms", member.friendlyName(), reply.failure().kind().json(),
                    overloadedBackoff.toMillis());
            if (pause()) {
                attempts++;
                reply = once(member, channel, shell, cli, request, model, fellBack ? null : session, input, deadline);
            }
        }
        if (!reply.answered() && reply.failure().kind() == FailureClass.TIMEOUT) {
            reply = reply.withFailure(Failure.of(FailureClass.TIMEOUT, "timeout_ms=" + request.timeout().toMillis()
                    + " was reached (" + attempts + (attempts == 1 ? " attempt)" : " attempts)")));
        }
        return new Run(result(cli, model, reply, notes), session != null, fellBack, attempts);
    }

    private AgentReply once(Member member, MemberChannel channel, AgentShell shell, ProviderAdapter cli, PromptRequest request,
                            ModelChoice model, String session, PromptSupervisor.Input input, Instant deadline) throws ChannelException {
        Duration left = left(deadline);
        if (left == null) {
            return new AgentReply(null, null, null, null, null, null, null, null,
                    Failure.of(FailureClass.TIMEOUT, "no time left of " + request.timeout().toMillis() + " ms"), false);
        }
        Invocation inv = new Invocation(session, model.model(), request.unattended(), request.turnLimit(), null);
        return supervisor.run(member, channel, shell, cli, inv, input, left, request.inactivity());
    }

    /** Time left before the deadline (at least a second), or null when it has passed. */
    private Duration left(Instant deadline) {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? null : d;
    }

    private boolean pause() {
        try {
            sleeper.sleep(overloadedBackoff);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The prompt and the member's stored key for this CLI, if any. Without a stored key the CLI's
     * usual variable is still named, so the wrapper can load a key persisted in the member's profile.
     */
    private PromptSupervisor.Input input(Member member, ProviderAdapter cli, String prompt) {
        Optional<MemberAgent.StoredKey> stored = MemberAgent.apiKey(member).filter(k -> cli.keyVariables().contains(k.variable()));
        if (stored.isPresent()) {
            try {
                MemberAgent.StoredKey key = stored.get();
                String plain = secrets.open(member, key.sealed(), "stored API key",
                        m -> MemberAgent.apiKey(m).map(MemberAgent.StoredKey::sealed).orElse(null),
                        (m, fresh) -> MemberAgent.withApiKey(m, new MemberAgent.StoredKey(key.variable(), fresh)));
                return new PromptSupervisor.Input(prompt, key.variable(), plain);
            } catch (SecretBox.SecretBoxException e) {
                log.warn("{}: the stored API key {}; run provision_auth again", member.friendlyName(), e.getMessage());
            }
        }
        return new PromptSupervisor.Input(prompt, cli.keyVariables().isEmpty() ? null : cli.keyVariables().get(0), null);
    }

    private PromptResult result(ProviderAdapter cli, ModelChoice model, AgentReply reply, List<String> notes) {
        List<AgentReply.ModelUsage> usage = reply.usage();
        if (usage.isEmpty() && model.model() != null && (reply.inputTokens() != null || reply.outputTokens() != null)) {
            usage = List.of(new AgentReply.ModelUsage(model.model(), nz(reply.inputTokens()), nz(reply.outputTokens())));
        }
        Double cost = pricing.estimate(cli.provider(), usage).orElse(null);
        String used = usage.size() == 1 ? usage.get(0).model() : model.model();
        return new PromptResult(cli.provider(), reply.answer(), reply.sessionId(), reply.inputTokens(), reply.outputTokens(), cost,
                used, model.tier(), reply.turns(), reply.reportedCostUsd(), reply.usageNote(), reply.failure(), notes);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
