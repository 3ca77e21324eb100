package dev.fleet.exec.ssh;

import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import org.apache.sshd.common.util.security.AbstractSecurityProviderRegistrar;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSASupport;

/**
 * Tells MINA that Ed25519 comes from the JDK's SunEC provider. MINA looks for Ed25519 first under
 * the registrar name "EdDSA" (the name its optional net.i2p support would take), so registering
 * this one under that name makes every Ed25519 key, signature and key file go through
 * {@link JdkEd25519}.
 */
final class JdkEd25519Registrar extends AbstractSecurityProviderRegistrar {
    private static final String PROVIDER = "SunEC";
    private final JdkEd25519 support = new JdkEd25519();

    JdkEd25519Registrar() {
        super(SecurityUtils.EDDSA);
    }

    @Override
    public boolean isSupported() {
        return Security.getProvider(PROVIDER) != null;
    }

    @Override
    public boolean isNamedProviderUsed() {
        return true;
    }

    @Override
    public String getProviderName() {
        return PROVIDER;
    }

    @Override
    public Provider getSecurityProvider() {
        return Security.getProvider(PROVIDER);
    }

    /** Only Ed25519's keys, key pairs and signatures; everything else MINA asks the JDK for as usual. */
    @Override
    public boolean isSecurityEntitySupported(Class<?> entityType, String name) {
        boolean ed25519 = JdkEd25519.ALGORITHM.equalsIgnoreCase(name) || SecurityUtils.EDDSA.equalsIgnoreCase(name);
        return ed25519 && (entityType == KeyFactory.class || entityType == KeyPairGenerator.class
                || entityType == java.security.Signature.class);
    }

    @Override
    public Optional<EdDSASupport<?, ?>> getEdDSASupport() {
        return Optional.of(support);
    }
}
