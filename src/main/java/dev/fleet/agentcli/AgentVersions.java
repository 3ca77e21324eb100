package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.MemberOs;
import dev.fleet.os.AgentFolders;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent CLI's version on a member, for registration. On this machine the CLI is found on the
 * login PATH without a shell, and its answer is kept per binary (real path, modification time,
 * size): asking it starts a Node.js process (hundreds of milliseconds), and the answer changes
 * only when the binary does, which an update or reinstall always changes. A missing CLI costs no
 * process at all. Remote members are asked every time.
 */
public final class AgentVersions {
    /** One installed binary as the CLI of one provider (its version arguments are the provider's). */
    record Binary(LlmProvider provider, Path realPath, long modified, long size) {
    }

    /** Where the PATH search ended. */
    sealed interface Lookup {
        record Found(Binary binary) implements Lookup {
        }

        record Missing() implements Lookup {
        }

        /** The PATH has a relative folder, which depends on the command's folder: the shell must look. */
        record Unsure() implements Lookup {
        }
    }

    private final Map<Binary, Optional<String>> known = new ConcurrentHashMap<>();

    public Optional<String> version(MemberChannel channel, ProviderAdapter cli) throws ChannelException {
        Optional<Map<String, String>> env = channel.localEnvironment();
        if (env.isEmpty() || channel.os().os() == MemberOs.WINDOWS) {
            return AgentCli.version(channel, cli);
        }
        Lookup lookup = find(env.get(), cli);
        if (lookup instanceof Lookup.Unsure) {
            return AgentCli.version(channel, cli);
        }
        if (!(lookup instanceof Lookup.Found binary)) {
            return Optional.empty();
        }
        Optional<String> cached = known.get(binary.binary());
        if (cached != null) {
            return cached;
        }
        Optional<String> asked = AgentCli.version(channel, cli);
        known.put(binary.binary(), asked);
        return asked;
    }

    /** The first executable named like the CLI on the PATH the OS commands give it, as bash would find it. */
    static Lookup find(Map<String, String> env, ProviderAdapter cli) {
        // First the folders the agent shell puts before PATH when it runs a CLI.
        List<Path> dirs = new ArrayList<>(AgentFolders.posix(env.get("HOME")));
        for (String d : env.getOrDefault("PATH", "").split(":")) {
            // A relative entry would be looked up from the command's folder: such a PATH is asked the slow way.
            if (!d.isEmpty()) {
                dirs.add(Path.of(d));
            }
        }
        for (Path d : dirs) {
            if (!d.isAbsolute()) {
                return new Lookup.Unsure();
            }
            Path candidate = d.resolve(cli.executable());
            // Asked through File, which answers a missing name without an exception: the CLI is
            // missing from most folders, and an exception for each made this search 14 % of a
            // local registration's CPU. Links are followed, as the shell follows them.
            File file = candidate.toFile();
            if (!file.isFile() || !file.canExecute()) {
                continue;
            }
            try {
                return new Lookup.Found(new Binary(cli.provider(), candidate.toRealPath(), file.lastModified(), file.length()));
            } catch (IOException e) {
                // Gone since the look; the next folder.
            }
        }
        return new Lookup.Missing();
    }
}
