package dev.fleet.agentcli;

import dev.fleet.base.Progress;
import dev.fleet.base.RequestRefused;
import dev.fleet.cloud.CloudGate;
import dev.fleet.exec.Channels;
import dev.fleet.member.Member;
import dev.fleet.member.MemberRef;
import dev.fleet.member.RegistryStore;
import dev.fleet.vcs.CredentialRenewal;

/**
 * Prompts for members' agents and the sessions they continue: an answer's session id is stored so
 * the next prompt resumes it, and a reset forgets it. The retry rules are {@link PromptRunner}'s.
 * Before a prompt, the member's git credentials are renewed when they near expiry (the agent's git
 * commands need them). A member without an agent CLI (llm_provider none) is refused before its
 * instance would be started.
 */
public final class Prompts {
    /** A prompt's run on a member (the member as it was reached) with its agent CLI. */
    public record Prompted(Member member, ProviderAdapter cli, PromptRunner.Run run) {
    }

    /** A session reset of one member: whether it had a session to forget. */
    public record Reset(Member member, boolean hadSession) {
    }

    private final CloudGate gate;
    private final Channels channels;
    private final PromptRunner runner;
    private final RegistryStore store;
    private final CredentialRenewal credentials;

    public Prompts(CloudGate gate, Channels channels, PromptRunner runner, RegistryStore store, CredentialRenewal credentials) {
        this.gate = gate;
        this.channels = channels;
        this.runner = runner;
        this.store = store;
        this.credentials = credentials;
    }

    public Prompted prompt(Member m, PromptRequest request, Progress progress) throws Exception {
        ProviderAdapter cli;
        try {
            cli = MemberAgent.adapter(m);
        } catch (AgentUnavailable e) {
            throw new RequestRefused("Cannot prompt " + m.friendlyName() + ": " + e.getMessage() + ".");
        }
        return gate.run(m, progress, member -> {
            credentials.renewIfExpiring(member);
            progress.message("prompting " + member.friendlyName() + " (" + cli.displayName() + ")");
            PromptRunner.Run run = runner.run(member, channels.forMember(member), request);
            run.result().sessionToKeep().ifPresent(session ->
                    store.update(r -> r.replacing(member.id(), old -> old.withSessionId(session))));
            return new Prompted(member, cli, run);
        });
    }

    /** Forgets the stored session of one member, so its next prompt starts a new conversation. */
    public Reset resetSession(MemberRef ref) {
        Member target = store.update(ref::resolve,
                (registry, m) -> m.sessionId() == null ? registry : registry.replacing(m.id(), x -> x.withSessionId(null)));
        return new Reset(target, target.sessionId() != null);
    }

    /** Forgets every member's stored session; returns how many there were. */
    public int resetAllSessions() {
        return store.update(registry -> (int) registry.members().stream().filter(m -> m.sessionId() != null).count(),
                (registry, count) -> count == 0 ? registry : registry.mapMembers(m -> m.withSessionId(null)));
    }
}
