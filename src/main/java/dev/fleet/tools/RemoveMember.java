package dev.fleet.tools;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** remove_member: forgets a member and takes back what fleet deployed on it; the folder stays. */
public final class RemoveMember implements Tool {
    private final RegistryStore store;
    private final Channels channels;
    private final DataDir dataDir;
    private final dev.fleet.guard.GuardService guard;

    public RemoveMember(RegistryStore store, Channels channels, DataDir dataDir, dev.fleet.guard.GuardService guard) {
        this.guard = guard;
        this.store = store;
        this.channels = channels;
        this.dataDir = dataDir;
    }

    @Override
    public String name() {
        return "remove_member";
    }

    @Override
    public String description() {
        return "Remove a member from the fleet: takes back (best effort) what fleet deployed on it (credentials such as "
                + "the SSH key added by setup_ssh_key, and the on-instance guard of a cloud member), closes its pooled "
                + "connection and deletes it from the registry. "
                + "The member's work folder and files are left as they are. An unreachable member is removed anyway, "
                + "with a warning.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Member member = MemberTarget.find(store.read(), in);
        List<String> warnings = new ArrayList<>();
        revokeAgentAuth(member, warnings);
        revokeFleetKey(member, warnings);
        if (member.cloud() != null) {
            dev.fleet.guard.GuardReport g = guard.remove(member);
            if (g.outcome() == dev.fleet.guard.GuardReport.Outcome.FAILED) {
                warnings.add(g.sentence());
            }
        }
        Member[] removed = new Member[1];
        store.update(registry -> {
            removed[0] = MemberTarget.find(registry, in);
            return registry.without(removed[0].id());
        });
        channels.release(removed[0]);
        StringBuilder text = new StringBuilder("Removed member " + removed[0].friendlyName() + " (" + removed[0].id() + "). "
                + "Its folder " + removed[0].workFolder() + " was not touched.");
        warnings.forEach(w -> text.append("\nWarning: ").append(w));
        return ToolResult.ok(text.toString(), MemberView.structured(removed[0]));
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
                && o.deviceKey().equals(m.deviceKey()) && java.util.Objects.equals(o.username(), m.username()));
        if (shared) {
            warnings.add("the agent login on " + m.host() + " stays: another member uses the same account there");
            return;
        }
        try {
            CommandResult r = channels.forMember(m).exec(CommandRequest.probe(Channels.osOf(m).removeAgentAuth(), Duration.ofSeconds(15)));
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
                CommandResult r = channels.forMember(m).exec(
                        CommandRequest.probe(Channels.osOf(m).revokeKey(line), Duration.ofSeconds(15)));
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
