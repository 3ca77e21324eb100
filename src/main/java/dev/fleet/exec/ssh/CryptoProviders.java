package dev.fleet.exec.ssh;

import org.apache.sshd.common.util.security.SecurityProviderChoice;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Which provider MINA takes each piece of cryptography from: the JDK's, for everything, Ed25519
 * included ({@link JdkEd25519}). MINA never registers Bouncy Castle as a provider; fleet's own code
 * uses a few of its classes directly (PEM files of GitHub App keys, scrypt), not its provider.
 *
 * <p>Left to itself, MINA registers Bouncy Castle's provider when it finds the jar, which builds
 * the provider (about a thousand algorithms registered: on a fresh server a quarter of the first
 * SSH registration), and then takes every key agreement, key, signature and digest from it, and
 * Ed25519 from nowhere else. MINA's own parsers read the key files (OpenSSH, PEM, PKCS#8, encrypted
 * or not) without it. Leaving the provider out also keeps an unsigned Bouncy Castle harmless:
 * Oracle's JDK refuses ciphers, MACs and key agreements from an unsigned provider.
 */
public final class CryptoProviders {
    private static boolean done;

    private CryptoProviders() {
    }

    /**
     * Sets MINA's providers; runs once per JVM, before MINA's first lookup (each lookup is cached
     * for the life of the JVM, and MINA's key types are fixed when its key utilities first load).
     * Every class that uses MINA's keys, providers, ciphers or client calls it first; an
     * architecture rule (LayeringTest) fails when one does not.
     */
    public static synchronized void install() {
        if (done) {
            return;
        }
        done = true;
        SecurityUtils.setAPrioriDisabledProvider(SecurityUtils.BOUNCY_CASTLE, true);
        // Registers MINA's default registrars (the JDK's), then the JDK's Ed25519 under the name MINA looks up first.
        SecurityUtils.registerSecurityProvider(new JdkEd25519Registrar());
        // Anything no registrar claims goes to the JDK's own lookup (its providers in their configured order).
        SecurityUtils.setDefaultProviderChoice(SecurityProviderChoice.EMPTY);
    }
}
