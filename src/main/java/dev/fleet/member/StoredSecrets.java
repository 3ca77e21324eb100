package dev.fleet.member;

import dev.fleet.security.SecretBox;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the passwords members store sealed in the registry. A password sealed by an earlier
 * version (a key derived from the host name) is sealed again with the installation's key the
 * first time it opens, so it keeps working when the host name changes later. The plaintext lives
 * in memory only, for the login that needs it.
 */
public final class StoredPasswords {
    private static final Logger log = LoggerFactory.getLogger(StoredPasswords.class);

    private final SecretBox secrets;
    private final RegistryStore store;

    public StoredPasswords(SecretBox secrets, RegistryStore store) {
        this.secrets = secrets;
        this.store = store;
    }

    /** The plaintext of {@code sealed}, the stored password of {@code member}. */
    public String open(Member member, String sealed) {
        String password = secrets.decrypt(sealed);
        if (!secrets.isCurrent(sealed)) {
            reseal(member, sealed, password);
        }
        return password;
    }

    /** Best effort: a registry that cannot be written now is tried again on the next login. */
    private void reseal(Member member, String old, String password) {
        try {
            String fresh = secrets.encrypt(password);
            // Only if nobody changed it meanwhile (a new password set by update_member wins).
            store.update(r -> r.byId(member.id()).filter(m -> Objects.equals(m.encryptedPassword(), old)).isPresent()
                    ? r.replacing(member.id(), m -> m.toBuilder().encryptedPassword(fresh).build()) : r);
            log.info("{}: stored password sealed again with this installation's key", member.friendlyName());
        } catch (RuntimeException e) {
            log.warn("{}: could not seal the stored password again ({}); it is tried on the next login",
                    member.friendlyName(), e.getClass().getSimpleName());
        }
    }
}
