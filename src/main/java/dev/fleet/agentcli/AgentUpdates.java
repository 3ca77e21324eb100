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
 * Updates (or installs) the agent CLI on members, all in parallel; each member's outcome stands
 * alone, and one that does not answer in time is reported failed without holding up the rest.
 */
public final class AgentUpdates {
    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(10);

    public enum Status {
        MISSING, FAILED, CURRENT, INSTALLED, UPDATED, OFFLINE;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One member's outcome. {@code versionsRead}: before and after were asked (they may still be
     * null); {@code summary} says what happened, or is null when the member gave no answer in time
     * ({@code detail} says so).
     */
    public record Outcome(String member, Status status, boolean versionsRead, String before, String after,
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
                results.add(new Outcome(members.get(i).friendlyName(), Status.FAILED, false, null, null, null,
                        "no answer in time"));
            }
        }
        return results;
    }

    private Outcome update(Member m, boolean install) {
        String name = m.friendlyName();
        try {
            MemberChannel channel = channels.forMember(m);
            OsCommands os = channel.os();
            Optional<String> before = AgentCli.version(channel, os);
            if (before.isEmpty() && !install) {
                return new Outcome(name, Status.MISSING, false, null, null,
                        "not installed (pass install_if_missing=true to install it)", null);
            }
            CommandResult run = channel.exec(CommandRequest.probe(before.isEmpty() ? os.agentInstall() : os.agentUpdate(),
                    UPDATE_TIMEOUT));
            Optional<String> after = AgentCli.version(channel, os);
            if (!run.succeeded() || after.isEmpty()) {
                return new Outcome(name, Status.FAILED, true, before.orElse(null), after.orElse(null),
                        (before.isEmpty() ? "install" : "update") + " failed: "
                                + (run.timedOut() ? "timed out" : lastLine(run.stdout() + "\n" + run.stderr())), null);
            }
            Status status = before.equals(after) ? Status.CURRENT : before.isEmpty() ? Status.INSTALLED : Status.UPDATED;
            String summary = before.isEmpty() ? "installed " + after.get()
                    : before.equals(after) ? "already current (" + after.get() + ")" : before.get() + " -> " + after.get();
            return new Outcome(name, status, true, before.orElse(null), after.orElse(null), summary, null);
        } catch (ChannelException e) {
            return new Outcome(name, Status.OFFLINE, false, null, null, "skipped, unreachable: " + e.getMessage(), null);
        }
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
