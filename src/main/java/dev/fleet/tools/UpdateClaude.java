package dev.fleet.tools;

import dev.fleet.agentcli.AgentCli;
import dev.fleet.agentcli.AgentUnavailable;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ProviderAdapter;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * update_claude (also update_llm_cli): updates (or installs) each member's own agent CLI (its
 * llm_provider) on one member or on every member, in parallel.
 */
public final class UpdateClaude implements Tool {
    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(10);

    private final MemberTarget target;
    private final RegistryStore store;
    private final Channels channels;
    private final ExecutorService pool;

    public UpdateClaude(MemberTarget target, RegistryStore store, Channels channels, ExecutorService pool) {
        this.target = target;
        this.store = store;
        this.channels = channels;
        this.pool = pool;
    }

    @Override
    public String name() {
        return "update_claude";
    }

    @Override
    public String description() {
        return "Update the member's agent CLI (its llm_provider: claude update, codex via npm, opencode upgrade, copilot "
                + "update, agy update) on one member, or on every reachable member in parallel when no member is given; with "
                + "install_if_missing=true, install it where it is missing (npm package or the CLI's official installer). "
                + "Reports old -> new version per member; members with llm_provider=none are skipped. Can take a minute or "
                + "more per member (downloads).";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.bool("install_if_missing", "Install the member's agent CLI where it is missing.").withDefault(false));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        List<Member> members = MemberTarget.named(in) ? List.of(target.use(in)) : store.read().members();
        if (members.isEmpty()) {
            return ToolResult.ok("No members registered.");
        }
        boolean install = in.bool("install_if_missing");
        List<CompletableFuture<Map<String, Object>>> runs = new ArrayList<>();
        for (Member m : members) {
            runs.add(CompletableFuture.supplyAsync(() -> update(m, install), pool));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        StringBuilder t = new StringBuilder("Agent CLI on " + members.size() + " member" + (members.size() == 1 ? "" : "s") + ":\n");
        boolean anyFailed = false;
        for (int i = 0; i < runs.size(); i++) {
            Map<String, Object> r;
            try {
                r = runs.get(i).get(UPDATE_TIMEOUT.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                r = Map.of("member", members.get(i).friendlyName(), "status", "failed", "detail", "no answer in time");
            }
            results.add(r);
            anyFailed |= "failed".equals(r.get("status"));
            t.append("  ").append(r.get("member")).append(": ").append(r.get("summary") != null ? r.get("summary") : r.get("detail")).append('\n');
        }
        Map<String, Object> data = Map.of("members", results);
        return new ToolResult(t.toString().stripTrailing(), data, anyFailed && members.size() == 1);
    }

    private Map<String, Object> update(Member m, boolean install) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("member", m.friendlyName());
        ProviderAdapter cli;
        try {
            cli = MemberAgent.adapter(m);
        } catch (AgentUnavailable e) {
            boolean none = MemberAgent.commandsOnly(m);
            r.put("status", none ? "skipped" : "failed");
            r.put("summary", none ? "skipped (llm_provider none: no agent CLI)" : e.getMessage());
            return r;
        }
        r.put("provider", cli.provider().json());
        try {
            MemberChannel channel = channels.forMember(m);
            OsCommands os = Channels.osOf(m);
            Optional<String> before = AgentCli.version(channel, os, cli);
            if (before.isEmpty() && !install) {
                r.put("status", "missing");
                r.put("summary", cli.executable() + " not installed (pass install_if_missing=true to install it)");
                return r;
            }
            CommandResult run = channel.exec(CommandRequest.probe(before.isEmpty() ? AgentCli.installCommand(os, cli)
                    : AgentCli.updateCommand(os, cli), UPDATE_TIMEOUT));
            Optional<String> after = AgentCli.version(channel, os, cli);
            r.put("before", before.orElse(null));
            r.put("after", after.orElse(null));
            if (!run.succeeded() || after.isEmpty()) {
                r.put("status", "failed");
                r.put("summary", (before.isEmpty() ? "install" : "update") + " failed: "
                        + (run.timedOut() ? "timed out" : lastLine(run.stdout() + "\n" + run.stderr())));
                return r;
            }
            r.put("status", before.equals(after) ? "current" : before.isEmpty() ? "installed" : "updated");
            r.put("summary", before.isEmpty() ? "installed " + after.get()
                    : before.equals(after) ? "already current (" + after.get() + ")" : before.get() + " -> " + after.get());
        } catch (ChannelException e) {
            r.put("status", "offline");
            r.put("summary", "skipped, unreachable: " + e.getMessage());
        }
        return r;
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
