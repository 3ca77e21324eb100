package dev.fleet.probe;

import dev.fleet.base.Failures;
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
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes behind member_detail, run in parallel; a failing probe reports "unavailable" alone,
 * with why: fleet's own words for what it foresaw (a channel error, a timeout, a failed command),
 * the kind of failure for anything else (its message may quote anything; the log has where).
 */
public final class DetailService {
    private static final Logger log = LoggerFactory.getLogger(DetailService.class);

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
        Map<ProbeKind, ProbeResult> out = new LinkedHashMap<>();
        ConnectionCheck check;
        try {
            check = channel.test();
        } catch (RuntimeException e) {
            // Like every probe below: reported by its kind, and the rest of the answer still comes.
            out.put(ProbeKind.CONNECTIVITY, unexpected(ProbeKind.CONNECTIVITY, e, member));
            return out;
        }
        if (check instanceof ConnectionCheck.Unreachable u) {
            out.put(ProbeKind.CONNECTIVITY, new ProbeResult.Unavailable(u.reason()));
            return out;
        }
        out.put(ProbeKind.CONNECTIVITY, new ProbeResult.Value(Map.of("latencyMs",
                String.valueOf(((ConnectionCheck.Reachable) check).latency().toMillis()))));

        Map<ProbeKind, CompletableFuture<ProbeResult>> futures = new LinkedHashMap<>();
        // A command-only member has no agent CLI to ask about.
        Optional<AgentChecks.Scripts> agent;
        try {
            agent = agents.forMember(member, os);
        } catch (RuntimeException e) {
            out.put(ProbeKind.AGENT_CLI, unexpected(ProbeKind.AGENT_CLI, e, member));
            agent = Optional.empty();
        }
        agent.ifPresent(cli -> {
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
        futures.forEach((kind, f) -> out.put(kind, await(kind, f, member)));
        return out;
    }

    /** The probe's result, or why there is none: no answer in time, or the failure that ended it. */
    private ProbeResult await(ProbeKind kind, CompletableFuture<ProbeResult> f, Member member) {
        try {
            return f.get(probeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | CancellationException e) {
            f.cancel(true);
            return new ProbeResult.Unavailable("no answer within " + probeTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return new ProbeResult.Unavailable("interrupted");
        } catch (ExecutionException e) {
            return unexpected(kind, e.getCause() != null ? e.getCause() : e, member);
        }
    }

    /** A failure no channel error covers: logged and shown by its kind, never by what its message quotes. */
    private static ProbeResult unexpected(ProbeKind kind, Throwable cause, Member member) {
        log.warn("{} probe of {} failed unexpectedly: {}", kind.json(), member.friendlyName(), Failures.withoutMessages(cause));
        return new ProbeResult.Unavailable("probe failed: " + Failures.shown(cause));
    }

    private CompletableFuture<ProbeResult> run(MemberChannel channel, String script,
                                               Function<CommandResult, Map<String, String>> parse, String whenFailed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                CommandResult r = channel.exec(CommandRequest.look(script, probeTimeout));
                if (r.timedOut()) {
                    return new ProbeResult.Unavailable("timed out");
                }
                if (!r.succeeded()) {
                    return new ProbeResult.Unavailable(whenFailed != null ? whenFailed
                            : "exit code " + r.exitCode() + ": " + r.stderr().strip().lines().findFirst().orElse(""));
                }
                Map<String, String> values = parse.apply(r);
                return values.isEmpty() ? new ProbeResult.Unavailable("no output") : new ProbeResult.Value(values);
            } catch (ChannelException e) {
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
