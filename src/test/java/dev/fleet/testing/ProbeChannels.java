package dev.fleet.testing;

import dev.fleet.exec.Channels;
import dev.fleet.exec.LocalChannel;
import dev.fleet.exec.LoginEnvironment;
import dev.fleet.exec.RemoteChannels;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.AgentType;
import dev.fleet.member.AuthType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** What the probe tests share: this machine's channel beside a test double for remote members, and a remote member to probe. */
public final class ProbeChannels {
    private ProbeChannels() {
    }

    /** Channels whose local side runs in {@code home} and whose remote side is {@code remote}. */
    public static Channels with(RemoteChannels remote, Path home, ExecutorService pool) {
        return new Channels(new LocalChannel(OsCommands.forOs(MemberOs.current()),
                new LoginEnvironment(Map.of("HOME", home.toString()), home),
                new SpillFiles(home.resolve("out"), Clock.systemUTC()), pool), remote);
    }

    /** A remote member named {@code gpu}, never reached for real. */
    public static Member remoteMember() {
        return Member.builder().id("gpu-id").friendlyName("gpu").agentType(AgentType.REMOTE)
                .host("127.0.0.1").port(22).username("fleet").authType(AuthType.KEY).workFolder("/w")
                .createdAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    }
}
