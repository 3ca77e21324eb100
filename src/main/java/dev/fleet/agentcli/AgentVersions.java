package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
    /** The folders the OS commands put before PATH when they run the CLI (see {@code PosixCommands.AGENT_PATH}). */
    private static final List<String> HOME_BIN = List.of(".local/bin", ".claude/local");
    private static final String BINARY = "claude";

    record Binary(Path realPath, long modified, long size) {
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

    public Optional<String> version(MemberChannel channel, OsCommands os) throws ChannelException {
        Optional<Map<String, String>> env = channel.localEnvironment();
        if (env.isEmpty() || os.os() == MemberOs.WINDOWS) {
            return AgentCli.version(channel, os);
        }
        Lookup lookup = find(env.get());
        if (lookup instanceof Lookup.Unsure) {
            return AgentCli.version(channel, os);
        }
        if (!(lookup instanceof Lookup.Found binary)) {
            return Optional.empty();
        }
        Optional<String> cached = known.get(binary.binary());
        if (cached != null) {
            return cached;
        }
        Optional<String> asked = AgentCli.version(channel, os);
        known.put(binary.binary(), asked);
        return asked;
    }

    /** The first executable named like the CLI on the PATH the OS commands give it, as bash would find it. */
    static Lookup find(Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        String home = env.get("HOME");
        if (home != null) {
            HOME_BIN.forEach(d -> dirs.add(Path.of(home, d)));
        }
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
            Path candidate = d.resolve(BINARY);
            try {
                BasicFileAttributes a = Files.readAttributes(candidate, BasicFileAttributes.class);
                if (a.isRegularFile() && Files.isExecutable(candidate)) {
                    return new Lookup.Found(new Binary(candidate.toRealPath(), a.lastModifiedTime().toMillis(), a.size()));
                }
            } catch (IOException e) {
                // Not here; the next folder.
            }
        }
        return new Lookup.Missing();
    }
}
