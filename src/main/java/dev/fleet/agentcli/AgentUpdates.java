package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Updates (or installs) each member's own agent CLI (its llm_provider) on members, all in
 * parallel; each member's outcome stands alone, and one that does not answer in time is reported
 * failed without holding up the rest. A command-only member (llm_provider none) is skipped.
 */
public final class AgentUpdates {
    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(10);

    public enum Status {
        MISSING, FAILED, CURRENT, INSTALLED, UPDATED, OFFLINE, SKIPPED;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One member's outcome. {@code provider}: the CLI it concerns (null when the member has none
     * fleet drives); {@code versionsRead}: before and after were asked (they may still be null);
     * {@code summary} says what happened, or is null when the member gave no answer in time
     * ({@code detail} says so).
     */
    public record Outcome(String member, LlmProvider provider, Status status, boolean versionsRead, String before, String after,
                          String summary, String detail) {
    }

    private final Channels channels;
    private final RegistryStore store;
    private final ExecutorService pool;

    public AgentUpdates(Channels channels, RegistryStore store, ExecutorService pool) {
        this.channels = channels;
        this.store = store;
        this.pool = pool;
    }

    /** Every registered member (none: an empty list). */
    public List<Outcome> updateEveryMember(boolean installIfMissing) {
        return update(store.read().members(), installIfMissing);
    }

    public List<Outcome> update(List<Member> members, boolean installIfMissing) {
        List<CompletableFuture<Outcome>> runs = new ArrayList<>();
        for (Member m : members) {
            runs.add(CompletableFuture.supplyAsync(() -> update(m, installIfMissing), pool));
        }
        List<Outcome> results = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            try {
                results.add(runs.get(i).get(UPDATE_TIMEOUT.toMillis() + 30_000, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                results.add(new Outcome(members.get(i).friendlyName(), MemberAgent.cli(members.get(i))
                        .map(ProviderAdapter::provider).orElse(null), Status.FAILED, false, null, null, null, "no answer in time"));
            }
        }
        return results;
    }

    private Outcome update(Member m, boolean install) {
        String name = m.friendlyName();
        ProviderAdapter cli;
        try {
            cli = MemberAgent.adapter(m);
        } catch (AgentUnavailable e) {
            return MemberAgent.commandsOnly(m)
                    ? new Outcome(name, LlmProvider.NONE, Status.SKIPPED, false, null, null,
                            "skipped (llm_provider none: no agent CLI)", null)
                    : new Outcome(name, null, Status.FAILED, false, null, null, e.getMessage(), null);
        }
        LlmProvider provider = cli.provider();
        try {
            MemberChannel channel = channels.forMember(m);
            OsCommands os = channel.os();
            Optional<String> before = AgentCli.version(channel, cli);
            if (before.isEmpty() && !install) {
                return new Outcome(name, provider, Status.MISSING, false, null, null,
                        cli.executable() + " not installed (pass install_if_missing=true to install it)", null);
            }
            CommandResult run = channel.exec(CommandRequest.probe(before.isEmpty() ? AgentCli.installCommand(os, cli)
                    : AgentCli.updateCommand(os, cli), UPDATE_TIMEOUT));
            Optional<String> after = AgentCli.version(channel, cli);
            if (!run.succeeded() || after.isEmpty()) {
                return new Outcome(name, provider, Status.FAILED, true, before.orElse(null), after.orElse(null),
                        (before.isEmpty() ? "install" : "update") + " failed: "
                                + (run.timedOut() ? "timed out" : lastLine(run.stdout() + "\n" + run.stderr())), null);
            }
            Status status = before.equals(after) ? Status.CURRENT : before.isEmpty() ? Status.INSTALLED : Status.UPDATED;
            String summary = before.isEmpty() ? "installed " + after.get()
                    : before.equals(after) ? "already current (" + after.get() + ")" : before.get() + " -> " + after.get();
            return new Outcome(name, provider, status, true, before.orElse(null), after.orElse(null), summary, null);
        } catch (ChannelException e) {
            return new Outcome(name, provider, Status.OFFLINE, false, null, null, "skipped, unreachable: " + e.getMessage(), null);
        }
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
