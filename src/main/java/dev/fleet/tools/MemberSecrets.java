package dev.fleet.tools;

import dev.fleet.agentcli.MemberAgent;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import dev.fleet.security.SecretsOnMembers;
import java.util.ArrayList;
import java.util.List;

/**
 * What fleet holds for the member a call names, for redaction: the SSH password and the agent
 * CLI's API key from the registry (opened here, in memory for the call only), and the git
 * credentials and agent login tokens this process put there. A member may print any of them in a command's or an
 * agent's output; none may reach the answer.
 */
public final class MemberSecrets implements ToolRunner.HeldSecrets {
    private final RegistryStore store;
    private final SecretBox box;
    private final SecretsOnMembers deployed;

    public MemberSecrets(RegistryStore store, SecretBox box, SecretsOnMembers deployed) {
        this.store = store;
        this.box = box;
        this.deployed = deployed;
    }

    @Override
    public List<String> of(ToolInput in) {
        Member m = MemberTarget.named(in, store.read()).orElse(null);
        if (m == null) {
            return List.of();
        }
        List<String> held = new ArrayList<>(deployed.of(m.id()));
        if (m.encryptedPassword() != null) {
            open(m.encryptedPassword(), held);
        }
        MemberAgent.apiKey(m).ifPresent(k -> open(k.sealed(), held));
        // As for a call's own secrets (ParamSpec): too short, or one of the member's plain names, and
        // starring it would mark every place it appears instead of hiding it.
        held.removeIf(s -> s.length() < ParamSpec.SHORTEST_REDACTED || s.equals(m.username()) || s.equals(m.friendlyName())
                || s.equals(m.host()));
        return held;
    }

    private void open(String sealed, List<String> into) {
        try {
            into.add(box.decrypt(sealed));
        } catch (SecretBox.SecretBoxException e) {
            // Sealed elsewhere or damaged: the call that needs it says so; nothing to star here.
        }
    }
}
