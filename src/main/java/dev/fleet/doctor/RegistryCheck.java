package dev.fleet.doctor;

import dev.fleet.importer.OriginalSecrets;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The registry: readable, and every stored password opens with fleet's key on this machine. */
public final class RegistryCheck implements Check {
    private final Path file;
    private final RegistryStore store;
    private final Supplier<SecretBox> secrets;

    /** {@code secrets} is asked for only when a password is stored, so a fleet without any derives no key. */
    public RegistryCheck(Path file, RegistryStore store, Supplier<SecretBox> secrets) {
        this.file = file;
        this.store = store;
        this.secrets = secrets;
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public List<Finding> run() {
        if (!Files.exists(file)) {
            return List.of(Finding.note("no registry yet (" + file + "); register_member creates it"));
        }
        Registry registry;
        try {
            registry = store.read();
        } catch (RuntimeException e) {
            return List.of(Finding.problem(e.getMessage(), "repair the JSON by hand, or move the file aside and register "
                    + "members again (a backup copy may help)"));
        }
        List<Finding> found = new ArrayList<>();
        int sealed = 0;
        for (Member m : registry.members()) {
            String secret = m.encryptedPassword();
            if (secret == null) {
                continue;
            }
            sealed++;
            if (OriginalSecrets.isSealedByOriginal(secret)) {
                found.add(Finding.problem(m.friendlyName() + ": its password is still sealed by the original apra-fleet",
                        "fleet import-registry (converts the passwords in place)"));
                continue;
            }
            try {
                secrets.get().decrypt(secret);
            } catch (RuntimeException e) {
                // SecretBoxException says why; anything else (a truncated value) is as unreadable.
                String why = e instanceof SecretBox.SecretBoxException ? e.getMessage() : "the stored value is damaged";
                found.add(Finding.problem(m.friendlyName() + ": its password cannot be opened (" + why + ")",
                        "set it again: update_member member_name=" + m.friendlyName() + " password=..., or move the member "
                                + "to a key with setup_ssh_key"));
            }
        }
        if (found.isEmpty()) {
            found.add(Finding.ok(registry.members().size() + " member" + (registry.members().size() == 1 ? "" : "s")
                    + " in " + file + (sealed == 0 ? "" : "; " + sealed + " stored password" + (sealed == 1 ? "" : "s")
                    + " open with fleet's key")));
        }
        return found;
    }
}
