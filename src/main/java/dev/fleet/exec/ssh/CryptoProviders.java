package dev.fleet.exec.ssh;

import java.util.Map;
import org.apache.sshd.common.util.security.SecurityProviderChoice;
import org.apache.sshd.common.util.security.SecurityProviderRegistrar;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Which provider MINA takes each piece of cryptography from: Bouncy Castle for Ed25519 keys and
 * signatures only (Java 17's own Ed25519 is not one MINA can use), the JDK for everything else.
 *
 * <p>Left to itself, MINA takes from Bouncy Castle every key agreement, key, signature and digest
 * it finds there. Fleet ships Bouncy Castle's jar without its signature files, so that the JVM can
 * keep its classes in the class-data archive (a signed jar's classes are never archived, and
 * checking the signature of each class read cost a quarter of a second on the first SSH
 * connection). Oracle's JDK refuses ciphers, MACs and key agreements from an unsigned provider;
 * keys, key factories and signatures it does not check. With this restriction no service that
 * check applies to is ever asked of Bouncy Castle, so an unsigned copy works on every JDK.
 */
public final class CryptoProviders {
    /** MINA's names for the services Bouncy Castle still gives: Ed25519 keys and signatures. */
    static final String ED25519_ONLY = "Ed25519,EdDSA";

    private static boolean done;

    private CryptoProviders() {
    }

    /**
     * Restricts MINA's use of Bouncy Castle; runs once per JVM, before MINA's first lookup (each
     * lookup is cached for the life of the JVM). Every class that uses MINA's keys, providers,
     * ciphers or client calls it first; an architecture rule (LayeringTest) fails when one does not.
     */
    public static synchronized void restrictBouncyCastle() {
        if (done) {
            return;
        }
        done = true;
        // Registers MINA's providers (Bouncy Castle among them when its jar is present).
        if (!SecurityUtils.isBouncyCastleRegistered()) {
            return;
        }
        SecurityProviderRegistrar bc = SecurityUtils.getRegisteredProvider(SecurityUtils.BOUNCY_CASTLE);
        Map<String, Object> props = bc.getProperties();
        props.put(bc.getConfigurationPropertyName("supportAll"), SecurityProviderRegistrar.NO_OPTIONS_VALUE);
        for (String entity : new String[] {"KeyFactory", "KeyPairGenerator", "Signature"}) {
            props.put(bc.getConfigurationPropertyName(entity), ED25519_ONLY);
        }
        // MINA makes Bouncy Castle the provider of anything no registrar claims; the JDK's own
        // lookup (its providers in their configured order) is what the rest should get.
        SecurityUtils.setDefaultProviderChoice(SecurityProviderChoice.EMPTY);
    }
}
