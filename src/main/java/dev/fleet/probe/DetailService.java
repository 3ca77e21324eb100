package dev.fleet.probe;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.ConnectionCheck;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The probes behind member_detail, run in parallel; a failing probe reports "unavailable" alone. */
public final class DetailService {
    private final Channels channels;
    private final ExecutorService pool;
    private final Duration probeTimeout;
    private final AgentChecks agents;

    public DetailService(Channels channels, ExecutorService pool, Duration probeTimeout, AgentChecks agents) {
        this.channels = channels;
        this.pool = pool;
        this.probeTimeout = probeTimeout;
        this.agents = agents;
    }

    /** Each probe's result, in the order of {@link ProbeKind}: connectivity, agent, auth, processes, system, disk. */
    public Map<ProbeKind, ProbeResult> probe(Member member) {
        MemberChannel channel;
        try {
            channel = channels.forMember(member);
        } catch (ChannelException e) {
            Map<ProbeKind, ProbeResult> all = new LinkedHashMap<>();
            all.put(ProbeKind.CONNECTIVITY, new ProbeResult.Unavailable(e.getMessage()));
            return all;
        }
        OsCommands os = channel.os();
        ConnectionCheck check = channel.test();
        Map<ProbeKind, ProbeResult> out = new LinkedHashMap<>();
        if (check instanceof ConnectionCheck.Unreachable u) {
            out.put(ProbeKind.CONNECTIVITY, new ProbeResult.Unavailable(u.reason()));
            return out;
        }
        out.put(ProbeKind.CONNECTIVITY, new ProbeResult.Value(Map.of("latencyMs",
                String.valueOf(((ConnectionCheck.Reachable) check).latency().toMillis()))));

        Map<ProbeKind, CompletableFuture<ProbeResult>> futures = new LinkedHashMap<>();
        // A command-only member has no agent CLI to ask about.
        agents.forMember(member, os).ifPresent(cli -> {
            futures.put(ProbeKind.AGENT_CLI, run(channel, cli.version(), r -> Map.of("version",
                    r.stdout().strip().lines().findFirst().orElse("")), cli.executable() + " not found"));
            futures.put(ProbeKind.AGENT_AUTH, run(channel, cli.login(), r -> {
                List<String> found = r.stdout().lines().map(String::strip).distinct().toList();
                return Map.of("credentialsFile", String.valueOf(found.stream().anyMatch(l -> l.startsWith("file "))),
                        "apiKey", String.valueOf(found.stream().anyMatch(l -> l.startsWith("variable "))));
            }, null));
        });
        futures.put(ProbeKind.PROCESSES, run(channel, os.agentProcesses(),
                r -> Map.of("busy", AgentProcess.busyState(AgentProcess.parse(r.stdout()), member).label(),
                        "agentProcesses", String.valueOf(AgentProcess.parse(r.stdout()).size())), null));
        futures.put(ProbeKind.SYSTEM, run(channel, os.systemProbe(), r -> keyValues(r.stdout()), null));
        futures.put(ProbeKind.DISK, run(channel, os.diskProbe(member.workFolder()), r -> keyValues(r.stdout()), null));
        futures.forEach((name, f) -> {
            try {
                out.put(name, f.get(probeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                f.cancel(true);
                out.put(name, new ProbeResult.Unavailable("no answer within " + probeTimeout.toSeconds() + " s"));
            }
        });
        return out;
    }

    private CompletableFuture<ProbeResult> run(MemberChannel channel, String script,
                                               Function<CommandResult, Map<String, String>> parse, String whenFailed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                CommandResult r = channel.exec(CommandRequest.probe(script, probeTimeout));
                if (r.timedOut()) {
                    return new ProbeResult.Unavailable("timed out");
                }
                if (!r.succeeded()) {
                    return new ProbeResult.Unavailable(whenFailed != null ? whenFailed
                            : "exit code " + r.exitCode() + ": " + r.stderr().strip().lines().findFirst().orElse(""));
                }
                Map<String, String> values = parse.apply(r);
                return values.isEmpty() ? new ProbeResult.Unavailable("no output") : new ProbeResult.Value(values);
            } catch (ChannelException | RuntimeException e) {
                return new ProbeResult.Unavailable(e.getMessage());
            }
        }, pool);
    }

    static Map<String, String> keyValues(String stdout) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : stdout.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.substring(eq + 1).isBlank()) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return values;
    }
}
