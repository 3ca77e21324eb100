package dev.fleet.exec.ssh;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.apache.sshd.common.config.keys.PrivateKeyEntryDecoder;
import org.apache.sshd.common.config.keys.PublicKeyEntryDecoder;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSASupport;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSAUtils;
import org.apache.sshd.common.util.security.eddsa.generic.GenericEd25519PublicKeyDecoder;
import org.apache.sshd.common.util.security.eddsa.generic.GenericOpenSSHEd25519PrivateKeyEntryDecoder;
import org.apache.sshd.common.util.security.eddsa.generic.GenericSignatureEd25519;

/**
 * Ed25519 for MINA from the JDK's own provider (SunEC, in every Java 17): keys, signatures and the
 * OpenSSH key formats, with nothing from Bouncy Castle. MINA's generic Ed25519 code does the SSH
 * encodings; what is left here is moving between the JDK's key objects and the raw 32-byte forms
 * SSH carries. Keys arrive as X.509 (public) and PKCS#8 (private) encodings, which the JDK's key
 * factory reads for Ed25519.
 */
final class JdkEd25519 implements EdDSASupport<EdECPublicKey, EdECPrivateKey> {
    /** The JDK names the algorithm both ways; MINA's generic code asks for "EdDSA". */
    static final String ALGORITHM = "Ed25519";

    @Override
    public PublicKeyEntryDecoder<EdECPublicKey, EdECPrivateKey> getEDDSAPublicKeyEntryDecoder() {
        return new PublicKeys(this);
    }

    @Override
    public PrivateKeyEntryDecoder<EdECPublicKey, EdECPrivateKey> getOpenSSHEDDSAPrivateKeyEntryDecoder() {
        return new GenericOpenSSHEd25519PrivateKeyEntryDecoder<>(EdECPublicKey.class, EdECPrivateKey.class, this);
    }

    @Override
    public Signature getEDDSASigner() {
        return new GenericSignatureEd25519(ALGORITHM);
    }

    @Override
    public int getEDDSAKeySize(Key key) {
        return isEd25519(key) ? KEY_SIZE : -1;
    }

    @Override
    public Class<EdECPublicKey> getEDDSAPublicKeyType() {
        return EdECPublicKey.class;
    }

    @Override
    public Class<EdECPrivateKey> getEDDSAPrivateKeyType() {
        return EdECPrivateKey.class;
    }

    /** By their raw bytes, so that an Ed25519 key from another provider still matches its twin. */
    @Override
    public boolean compareEDDSAPPublicKeys(PublicKey k1, PublicKey k2) {
        try {
            return k1 != null && k2 != null && Arrays.equals(EdDSAUtils.getBytes(k1), EdDSAUtils.getBytes(k2));
        } catch (InvalidKeyException notEd25519) {
            return false;
        }
    }

    @Override
    public boolean compareEDDSAPrivateKeys(PrivateKey k1, PrivateKey k2) {
        if (k1 == null || k2 == null) {
            return false;
        }
        byte[] a = null;
        byte[] b = null;
        try {
            a = EdDSAUtils.getBytes(k1);
            b = EdDSAUtils.getBytes(k2);
            return MessageDigest.isEqual(a, b);
        } catch (InvalidKeyException notEd25519) {
            return false;
        } finally {
            wipe(a);
            wipe(b);
        }
    }

    /**
     * The JDK's private key holds only its seed. Key generation from that seed gives the same
     * key pair again (RFC 8032: the public key is derived from the seed alone), so the generator
     * is handed a source of randomness that yields exactly the seed.
     */
    @Override
    public EdECPublicKey recoverEDDSAPublicKey(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECPrivateKey edKey) || !isEd25519(key)) {
            throw new InvalidKeyException("not an Ed25519 private key: " + (key == null ? "none" : key.getAlgorithm()));
        }
        byte[] seed = edKey.getBytes().orElseThrow(() -> new InvalidKeyException("the Ed25519 private key does not reveal its bytes"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedOnce(seed));
            return (EdECPublicKey) generator.generateKeyPair().getPublic();
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    @Override
    public EdECPublicKey generateEDDSAPublicKey(byte[] raw) throws GeneralSecurityException {
        return (EdECPublicKey) keyFactory().generatePublic(EdDSAUtils.createPublicKeySpec(raw));
    }

    @Override
    public EdECPrivateKey generateEDDSAPrivateKey(byte[] seed) throws GeneralSecurityException {
        return (EdECPrivateKey) keyFactory().generatePrivate(EdDSAUtils.createPrivateKeySpec(seed));
    }

    @Override
    public <B extends Buffer> B putRawEDDSAPublicKey(B buffer, PublicKey key) {
        buffer.putBytes(rawPublicKey(key));
        return buffer;
    }

    /**
     * The SSH agent protocol's form of a key pair: the key type, the 32-byte public key, then the
     * 64 bytes of seed and public key (as OpenSSH keeps an Ed25519 private key). MINA's
     * {@code Buffer.putKeyPair} leaves all three to this method.
     */
    @Override
    public <B extends Buffer> B putEDDSAKeyPair(B buffer, PublicKey publicKey, PrivateKey privateKey) {
        byte[] pub = rawPublicKey(publicKey);
        byte[] seed = null;
        byte[] both = null;
        try {
            seed = EdDSAUtils.getBytes(privateKey);
            both = Arrays.copyOf(seed, seed.length + pub.length);
            System.arraycopy(pub, 0, both, seed.length, pub.length);
            buffer.putString(KeyPairProvider.SSH_ED25519);
            buffer.putBytes(pub);
            buffer.putBytes(both);
            return buffer;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } finally {
            wipe(seed);
            wipe(both);
        }
    }

    @Override
    public KeySpec createPublicKeySpec(EdECPublicKey key) {
        return new X509EncodedKeySpec(key.getEncoded());
    }

    @Override
    public KeySpec createPrivateKeySpec(EdECPrivateKey key) {
        return new PKCS8EncodedKeySpec(key.getEncoded());
    }

    @Override
    public byte[] getPublicKeyData(EdECPublicKey key) {
        return rawPublicKey(key);
    }

    /** The seed, the 32 bytes inside the PKCS#8 encoding. */
    @Override
    public byte[] getPrivateKeyData(EdECPrivateKey key) throws IOException {
        try {
            return EdDSAUtils.getBytes(key);
        } catch (InvalidKeyException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String getKeyFactoryAlgorithm() {
        return ALGORITHM;
    }

    private static KeyFactory keyFactory() throws GeneralSecurityException {
        return SecurityUtils.getKeyFactory(ALGORITHM);
    }

    /** The 32 bytes SSH carries: the end of the X.509 encoding. */
    private static byte[] rawPublicKey(PublicKey key) {
        try {
            return EdDSAUtils.getBytes(key);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static boolean isEd25519(Key key) {
        return key instanceof EdECKey ed && ALGORITHM.equalsIgnoreCase(ed.getParams().getName());
    }

    /**
     * MINA generates a key pair by asking for a size; the JDK's Ed25519 generator knows the curve
     * by name and refuses MINA's 256 (it calls the curve 255). The curve is the only one there is.
     */
    private static final class PublicKeys extends GenericEd25519PublicKeyDecoder<EdECPublicKey, EdECPrivateKey> {
        PublicKeys(JdkEd25519 support) {
            super(EdECPublicKey.class, EdECPrivateKey.class, support);
        }

        @Override
        public KeyPair generateKeyPair(int keySize) throws GeneralSecurityException {
            if (keySize != KEY_SIZE && keySize != 255) {
                throw new InvalidParameterException("an Ed25519 key has 256 bits, not " + keySize);
            }
            KeyPairGenerator generator = getKeyPairGenerator();
            generator.initialize(NamedParameterSpec.ED25519);
            return generator.generateKeyPair();
        }
    }

    /** Randomness that gives one seed, once: key generation reads exactly the 32 bytes of the private key. */
    private static final class SeedOnce extends SecureRandom {
        SeedOnce(byte[] seed) {
            super(new Spi(seed), null);
        }

        private static final class Spi extends SecureRandomSpi {
            private byte[] seed;

            Spi(byte[] seed) {
                this.seed = seed.clone();
            }

            @Override
            protected void engineSetSeed(byte[] ignored) {
            }

            @Override
            protected void engineNextBytes(byte[] bytes) {
                if (seed == null || bytes.length != seed.length) {
                    throw new IllegalStateException("the seed was asked for twice or with another length");
                }
                System.arraycopy(seed, 0, bytes, 0, bytes.length);
                Arrays.fill(seed, (byte) 0);
                seed = null;
            }

            @Override
            protected byte[] engineGenerateSeed(int numBytes) {
                throw new IllegalStateException("no seed to generate");
            }
        }
    }
}
