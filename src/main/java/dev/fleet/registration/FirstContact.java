package dev.fleet.registration;

import dev.fleet.agentcli.AgentVersions;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ProviderAdapter;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A new remote member's first contact, before it is saved: the connection is opened and the OS
 * told in one round trip (every later command's shell text needs it), then the independent
 * probes run side by side, each on its own channel of that connection: a test command (whose time
 * is the latency reported), the agent CLI's version, and the work folder made (or, for a {@code ~}
 * folder, the member user's home read first). What it found is for {@link Registrar} to judge.
 */
final class FirstContact {
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(20);
    /** The command that proves the member runs commands. */
    private static final String CONNECTION_TEST = "echo ok";

    /**
     * What the member showed: the draft with its OS and its work folder as the member names it
     * ({@code ~} expanded), the test command's time, the agent CLI's version (empty when missing
     * or not wanted), and the folder command's result.
     */
    record Contacted(Member member, long latencyMs, Optional<String> agent, CommandResult folderMade, List<String> warnings) {
        Contacted {
            warnings = List.copyOf(warnings);
        }
    }

    private final Channels channels;
    private final AgentVersions agents;
    private final ExecutorService probes;

    /** {@code probes} runs the independent checks side by side. */
    FirstContact(Channels channels, AgentVersions agents, ExecutorService probes) {
        this.channels = channels;
        this.agents = agents;
        this.probes = probes;
    }

    /** Reaches the member of {@code draft}; a probe still running when another failed is cancelled. */
    Contacted reach(Member.Builder draft) throws ChannelException {
        List<String> warnings = new ArrayList<>();
        MemberChannel channel = channels.forMember(draft.build());
        Optional<MemberOs> os = channel.detectOs();
        if (os.isEmpty()) {
            warnings.add("could not tell the member's OS; assuming Linux");
        }
        Member probe = draft.os(os.orElse(MemberOs.LINUX)).build();
        channel = channels.forMember(probe);
        OsCommands shell = channel.os();
        String folder = probe.workFolder();
        boolean inHome = folder.equals("~") || folder.startsWith("~/");
        List<Future<?>> running = new ArrayList<>();
        try {
            Future<CommandResult> test = probeAsync(channel, CommandRequest.probe(CONNECTION_TEST, SETUP_TIMEOUT));
            Future<Optional<String>> agent = agentAsync(channel, probe);
            Future<CommandResult> homeOrMkdir = probeAsync(channel,
                    CommandRequest.probe(inHome ? shell.homeFolder() : shell.makeDirectory(folder), SETUP_TIMEOUT));
            running.addAll(List.of(test, agent, homeOrMkdir));
            CommandResult tested = await(test);
            if (!tested.succeeded() || !tested.stdout().contains("ok")) {
                throw new ChannelException("the member answered, but a test command failed: "
                        + tested.stderr().strip().lines().findFirst().orElse("exit " + tested.exitCode()));
            }
            CommandResult made;
            if (inHome) {
                folder = expandHome(await(homeOrMkdir), folder);
                made = channel.exec(CommandRequest.probe(shell.makeDirectory(folder), SETUP_TIMEOUT));
            } else {
                made = await(homeOrMkdir);
            }
            return new Contacted(draft.workFolder(folder).build(), tested.elapsed().toMillis(), await(agent), made, warnings);
        } catch (ChannelException | RuntimeException e) {
            // Probes still running on a member that is refused end before its connection goes.
            running.forEach(f -> f.cancel(true));
            throw e;
        }
    }

    /** The version of the member's agent CLI; empty when it is missing or the member runs commands only. */
    Optional<String> agentVersion(MemberChannel channel, Member member) throws ChannelException {
        Optional<ProviderAdapter> cli = MemberAgent.cli(member);
        return cli.isEmpty() ? Optional.empty() : agents.version(channel, cli.get());
    }

    private Future<CommandResult> probeAsync(MemberChannel channel, CommandRequest request) {
        return probes.submit(() -> channel.exec(request));
    }

    private Future<Optional<String>> agentAsync(MemberChannel channel, Member member) {
        return probes.submit(() -> agentVersion(channel, member));
    }

    private static <T> T await(Future<T> f) throws ChannelException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while probing the member");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChannelException c) {
                throw c;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ChannelException(String.valueOf(e.getCause().getMessage()), e.getCause());
        }
    }

    /** A ~ folder is expanded on the member, where it means the member user's home. */
    private static String expandHome(CommandResult home, String folder) throws ChannelException {
        String h = home.stdout().strip();
        if (!home.succeeded() || h.isEmpty()) {
            throw new ChannelException("cannot find the home folder on the member to expand " + folder);
        }
        return folder.equals("~") ? h : h + folder.substring(1);
    }
}
