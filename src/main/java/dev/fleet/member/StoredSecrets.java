package dev.fleet.member;

import dev.fleet.security.SecretBox;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the secrets members store sealed in the registry (an SSH password, an agent CLI's API
 * key). A value sealed by an earlier version (a key derived from the host name) is sealed again
 * with the installation's key the first time it opens, so it keeps working when the host name
 * changes later. The plaintext lives in memory only, for the call that needs it.
 */
public final class StoredSecrets {
    private static final Logger log = LoggerFactory.getLogger(StoredSecrets.class);

    private final SecretBox secrets;
    private final RegistryStore store;

    public StoredSecrets(SecretBox secrets, RegistryStore store) {
        this.secrets = secrets;
        this.store = store;
    }

    /** The plaintext of {@code sealed}, the stored password of {@code member}. */
    public String password(Member member, String sealed) {
        return open(member, sealed, "stored password", Member::encryptedPassword,
                (m, fresh) -> m.toBuilder().encryptedPassword(fresh).build());
    }

    /**
     * The plaintext of {@code sealed}, a value of {@code member} that {@code stored} reads from a
     * member and {@code replaced} writes into one; {@code what} names it in the log.
     *
     * @throws SecretBox.SecretBoxException when it cannot be opened here
     */
    public String open(Member member, String sealed, String what, Function<Member, String> stored,
                       BiFunction<Member, String, Member> replaced) {
        String plain = secrets.decrypt(sealed);
        if (!secrets.isCurrent(sealed)) {
            reseal(member, sealed, plain, what, stored, replaced);
        }
        return plain;
    }

    /** Best effort: a registry that cannot be written now is tried again the next time the value opens. */
    private void reseal(Member member, String old, String plain, String what, Function<Member, String> stored,
                        BiFunction<Member, String, Member> replaced) {
        try {
            String fresh = secrets.encrypt(plain);
            // Only if nobody changed it meanwhile (a new value set since wins).
            store.update(r -> r.byId(member.id()).filter(m -> Objects.equals(stored.apply(m), old)).isPresent()
                    ? r.replacing(member.id(), m -> replaced.apply(m, fresh)) : r);
            log.info("{}: {} sealed again with this installation's key", member.friendlyName(), what);
        } catch (RuntimeException e) {
            log.warn("{}: could not seal the {} again ({}); it is tried the next time it is used",
                    member.friendlyName(), what, e.getClass().getSimpleName());
        }
    }
}
