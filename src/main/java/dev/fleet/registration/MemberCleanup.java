package dev.fleet.registration;

import dev.fleet.agentcli.AgentLogin;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.ThisAccount;
import dev.fleet.guard.GuardReport;
import dev.fleet.guard.GuardService;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.vcs.VcsAuthService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What removing a member takes back from it: the agent login provision_auth deployed for any agent
 * CLI (unless another member uses the same account on the same machine), the git credentials of
 * provision_vcs_auth (with the same exception), a key setup_ssh_key made, and a cloud member's
 * on-instance guard (first: left behind, it would power the machine off when idle). Best effort:
 * what cannot be taken back is reported, never a reason to keep the member.
 */
public final class MemberCleanup {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final RegistryStore store;
    private final Channels channels;
    private final DataDir dataDir;
    private final VcsAuthService vcs;
    private final GuardService guard;
    private final Path home;

    public MemberCleanup(RegistryStore store, Channels channels, DataDir dataDir, VcsAuthService vcs, GuardService guard, Path home) {
        this.store = store;
        this.channels = channels;
        this.dataDir = dataDir;
        this.vcs = vcs;
        this.guard = guard;
        this.home = home;
    }

    /** Warnings about what stays on the member; empty when everything was taken back. */
    public List<String> takeBack(Member m) {
        List<String> warnings = new ArrayList<>();
        if (m.cloud() != null) {
            GuardReport g = guard.remove(m);
            if (g.outcome() == GuardReport.Outcome.FAILED) {
                warnings.add(g.sentence());
            }
        }
        revokeAgentAuth(m, warnings);
        warnings.addAll(vcs.revokeAllBeforeRemoval(m));
        revokeFleetKey(m, warnings);
        return warnings;
    }

    /**
     * What provision_auth deployed (a copied login, fleet's API key lines) is removed, unless another
     * member uses the same login on the same machine. Local members share this machine's own login,
     * which is never touched.
     */
    private void revokeAgentAuth(Member m, List<String> warnings) {
        if (m.isLocal()) {
            return;
        }
        boolean shared = store.read().members().stream().anyMatch(o -> !o.id().equals(m.id()) && !o.isLocal()
                && o.deviceKey().equals(m.deviceKey()) && Objects.equals(o.username(), m.username()));
        if (shared) {
            warnings.add("the agent login on " + m.host() + " stays: another member uses the same account there");
            return;
        }
        try {
            MemberChannel channel = channels.forMember(m);
            if (ThisAccount.is(m, channel, home)) {
                // Reached over SSH, but its home is this machine's: the login there is the user's own
                // (an earlier fleet may have marked it as copied), like a local member's.
                return;
            }
            CommandResult r = channel.exec(CommandRequest.probe(AgentLogin.removalScript(channel.os()), TIMEOUT));
            if (!r.succeeded()) {
                warnings.add("could not remove the agent login fleet deployed: " + r.stderr().strip());
            }
        } catch (ChannelException e) {
            warnings.add("member unreachable, the agent login fleet deployed stays there (" + e.getMessage() + ")");
        }
    }

    /** A key fleet generated (setup_ssh_key) is removed from the member's authorized_keys and deleted here. */
    private void revokeFleetKey(Member m, List<String> warnings) {
        if (m.isLocal() || m.keyPath() == null) {
            return;
        }
        Path key = Path.of(m.keyPath());
        if (!key.toAbsolutePath().normalize().startsWith(dataDir.keysDir().toAbsolutePath().normalize())) {
            return; // the user's own key: not fleet's to take back
        }
        Path pub = key.resolveSibling(key.getFileName() + ".pub");
        try {
            if (Files.exists(pub)) {
                String line = Files.readString(pub).strip();
                MemberChannel channel = channels.forMember(m);
                CommandResult r = channel.exec(CommandRequest.probe(channel.os().revokeKey(line), TIMEOUT));
                if (!r.succeeded()) {
                    warnings.add("could not remove fleet's key from the member's authorized_keys: " + r.stderr().strip());
                }
            }
        } catch (ChannelException | IOException e) {
            warnings.add("fleet's key stays in its authorized_keys (" + e.getMessage() + ")");
        }
        try {
            Files.deleteIfExists(key);
            Files.deleteIfExists(pub);
        } catch (IOException e) {
            warnings.add("could not delete " + key + ": " + e.getMessage());
        }
    }
}
