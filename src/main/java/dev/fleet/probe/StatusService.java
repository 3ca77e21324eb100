package dev.fleet.probe;

import dev.fleet.base.Failures;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks many members at once. Members on the same machine and login share one probe (one
 * command lists the agent processes and tests every folder), machines are probed in parallel,
 * and each probe is bounded, so the whole check takes about as long as the slowest machine.
 * A member that cannot be reached says why in fleet's words; a probe that failed unexpectedly
 * says so by the failure's kind (its message may quote anything), never as a missing answer.
 */
public final class StatusService {
    private static final Logger log = LoggerFactory.getLogger(StatusService.class);
    private static final String MARK = "@@fleet:";

    private final Channels channels;
    private final ExecutorService pool;
    private final Duration perMachineTimeout;

    public StatusService(Channels channels, ExecutorService pool, Duration perMachineTimeout) {
        this.channels = channels;
        this.pool = pool;
        this.perMachineTimeout = perMachineTimeout;
    }

    public List<MemberStatus> check(List<Member> members) {
        Map<String, List<Member>> byMachine = new LinkedHashMap<>();
        for (Member m : members) {
            byMachine.computeIfAbsent(machineKey(m), k -> new ArrayList<>()).add(m);
        }
        Map<String, CompletableFuture<Map<String, MemberStatus>>> probes = new LinkedHashMap<>();
        byMachine.forEach((key, group) -> probes.put(key, CompletableFuture.supplyAsync(() -> probeMachine(group), pool)));

        long deadline = System.nanoTime() + perMachineTimeout.toNanos();
        Map<String, MemberStatus> byId = new HashMap<>();
        probes.forEach((key, future) -> {
            List<Member> group = byMachine.get(key);
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                byId.putAll(future.get(left, TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                future.cancel(true);
                group.forEach(m -> byId.put(m.id(), offline(m, "no answer within " + perMachineTimeout.toSeconds() + " s")));
            } catch (ExecutionException e) {
                // A ChannelException is answered inside the probe; what arrives here was not expected.
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                log.warn("status probe of {} failed unexpectedly: {}", group.stream().map(Member::friendlyName).toList(),
                        Failures.withoutMessages(cause));
                group.forEach(m -> byId.put(m.id(), offline(m, "status check failed: " + Failures.shown(cause))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                group.forEach(m -> byId.put(m.id(), offline(m, "interrupted")));
            }
        });
        return members.stream().map(m -> byId.get(m.id())).toList();
    }

    /**
     * Members one probe answers for: the same machine, reached as the same user the same way (the
     * probe logs in as the group's first member). Members with the same key file log in alike; a
     * password is sealed per member and not compared, so each password member is probed through its
     * own login. Before, a key member was reported offline for the wrong password of another member
     * of the same user and host.
     */
    static String machineKey(Member m) {
        if (m.isLocal()) {
            return "local";
        }
        String keyPath = m.kind().loginKeyPath();
        String how = keyPath == null ? "member " + m.id() : "key " + keyPath;
        return m.username() + "@" + m.deviceKey() + " by " + how;
    }

    private Map<String, MemberStatus> probeMachine(List<Member> group) {
        Map<String, MemberStatus> out = new HashMap<>();
        Member first = group.get(0);
        try {
            MemberChannel channel = channels.forMember(first);
            OsCommands os = channel.os();
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < group.size(); i++) {
                script.append("echo '").append(MARK).append("folder ").append(i).append("'; ")
                        .append(os.folderExists(group.get(i).workFolder())).append("; ");
            }
            script.append("echo '").append(MARK).append("procs'; ").append(os.agentProcesses());
            CommandResult r = channel.exec(CommandRequest.look(script.toString(), perMachineTimeout));
            if (r.timedOut()) {
                group.forEach(m -> out.put(m.id(), offline(m, "probe timed out")));
                return out;
            }
            Map<String, String> sections = sections(r.stdout());
            List<AgentProcess> processes = AgentProcess.parse(sections.getOrDefault("procs", ""));
            for (int i = 0; i < group.size(); i++) {
                Member m = group.get(i);
                boolean folderOk = "yes".equals(sections.getOrDefault("folder " + i, "").strip());
                out.put(m.id(), folderOk
                        ? new MemberStatus(m.id(), m.friendlyName(), m.agentType().json(), true, null,
                                AgentProcess.busyState(processes, m), m.sessionId(), m.lastUsed(), m.workFolder())
                        : offline(m, "work folder " + m.workFolder() + " is missing"));
            }
        } catch (ChannelException e) {
            group.forEach(m -> out.put(m.id(), offline(m, e.getMessage())));
        }
        return out;
    }

    private static MemberStatus offline(Member m, String problem) {
        return new MemberStatus(m.id(), m.friendlyName(), m.agentType().json(), false, problem, BusyState.UNKNOWN,
                m.sessionId(), m.lastUsed(), m.workFolder());
    }

    /** Splits probe output at marker lines into named sections. */
    static Map<String, String> sections(String stdout) {
        Map<String, String> sections = new HashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : stdout.split("\\R", -1)) {
            if (line.startsWith(MARK)) {
                if (current != null) {
                    sections.put(current, body.toString());
                }
                current = line.substring(MARK.length()).strip();
                body.setLength(0);
            } else if (current != null) {
                body.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.put(current, body.toString());
        }
        return sections;
    }
}
