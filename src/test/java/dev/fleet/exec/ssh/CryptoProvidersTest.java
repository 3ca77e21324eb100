package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.Provider;
import java.util.List;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every algorithm an SSH connection uses comes from the JDK, Ed25519 included. Bouncy Castle ships
 * unsigned (so its classes can be archived), and Oracle's JDK refuses ciphers, MACs and key
 * agreements from an unsigned provider; building its provider also cost a quarter of a first
 * registration.
 */
class CryptoProvidersTest {
    @BeforeAll
    static void restrict() {
        CryptoProviders.install();
    }

    @Test
    void everyCipherAnSshConnectionCanUseComesFromTheJdk() throws Exception {
        for (BuiltinCiphers c : BuiltinCiphers.VALUES) {
            // MINA computes ChaCha20-Poly1305 itself: that cipher asks no provider for anything.
            if (c.isSupported() && c != BuiltinCiphers.none && c != BuiltinCiphers.cc20p1305_openssh) {
                assertThat(provider(SecurityUtils.getCipher(c.getTransformation()).getProvider()))
                        .as("cipher %s (%s)", c.getName(), c.getTransformation()).isNotEqualTo("BC");
            }
        }
    }

    @Test
    void everyMacComesFromTheJdk() throws Exception {
        for (BuiltinMacs m : BuiltinMacs.VALUES) {
            if (m.isSupported()) {
                assertThat(provider(SecurityUtils.getMac(m.getAlgorithm()).getProvider()))
                        .as("MAC %s", m.getName()).isNotEqualTo("BC");
            }
        }
    }

    @Test
    void theKeyAgreementsOfEveryKeyExchangeComeFromTheJdk() throws Exception {
        // X25519: curve25519 and the hybrids built on it; ECDH: ecdh-sha2-nistp*; DH: the groups.
        for (String algorithm : List.of("X25519", "X448", "ECDH", "DH")) {
            assertThat(provider(SecurityUtils.getKeyAgreement(algorithm).getProvider())).as(algorithm).isNotEqualTo("BC");
            assertThat(provider(SecurityUtils.getKeyPairGenerator(algorithm.equals("ECDH") ? "EC" : algorithm).getProvider()))
                    .as("key pairs for " + algorithm).isNotEqualTo("BC");
        }
    }

    @Test
    void rsaAndEcdsaKeysAndSignaturesComeFromTheJdk() throws Exception {
        for (String algorithm : List.of("RSA", "EC")) {
            assertThat(provider(SecurityUtils.getKeyFactory(algorithm).getProvider())).as(algorithm).isNotEqualTo("BC");
        }
        for (String algorithm : List.of("SHA256withRSA", "SHA512withRSA", "SHA256withECDSA")) {
            assertThat(provider(SecurityUtils.getSignature(algorithm).getProvider())).as(algorithm).isNotEqualTo("BC");
        }
        assertThat(provider(SecurityUtils.getMessageDigest("SHA-256").getProvider())).isNotEqualTo("BC");
    }

    @Test
    void ed25519KeysAndSignaturesComeFromTheJdk() throws Exception {
        assertThat(SecurityUtils.isEDDSACurveSupported()).isTrue();
        assertThat(provider(SecurityUtils.getSignature("Ed25519").getProvider())).isEqualTo("SunEC");
        assertThat(provider(SecurityUtils.getKeyFactory("EdDSA").getProvider())).isEqualTo("SunEC");

        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        assertThat(pair.getPublic()).isInstanceOf(java.security.interfaces.EdECPublicKey.class);
        byte[] data = "fleet".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature signer = BuiltinSignatures.ed25519.create();
        signer.initSigner(null, pair.getPrivate());
        signer.update(null, data);
        byte[] signature = signer.sign(null);
        Signature verifier = BuiltinSignatures.ed25519.create();
        verifier.initVerifier(null, pair.getPublic());
        verifier.update(null, data);
        assertThat(verifier.verify(null, signature)).isTrue();

        Signature tampered = BuiltinSignatures.ed25519.create();
        tampered.initVerifier(null, pair.getPublic());
        tampered.update(null, "fleeT".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(tampered.verify(null, signature)).isFalse();
    }

    @Test
    void noAlgorithmIsEverTakenFromBouncyCastle() throws Exception {
        for (String algorithm : List.of("Ed25519", "EdDSA", "RSA", "EC")) {
            assertThat(provider(SecurityUtils.getKeyFactory(algorithm).getProvider())).as(algorithm).isNotEqualTo("BC");
            assertThat(provider(SecurityUtils.getKeyPairGenerator(algorithm).getProvider())).as(algorithm).isNotEqualTo("BC");
        }
        assertThat(SecurityUtils.isBouncyCastleRegistered()).isFalse();
        // Building Bouncy Castle's provider is the cost this avoids; MINA would install it in the JDK's list.
        assertThat(java.security.Security.getProvider("BC")).isNull();
    }

    /** An ECDSA key as `ssh-keygen -t ecdsa -m PEM -N ""` writes it, made for this test alone; it guards nothing. */
    private static final String SSH_KEYGEN_EC_PEM = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIOsfOEYYheWb/fWRIswteTv5akLJem71jmz8JvQhp8YyoAoGCCqGSM49
            AwEHoUQDQgAEi60hHl8Mh++URsQddLRJEGdwdeKYzIcwpyDuO/YJv6lEtJyp4sg9
            UQle3M+RPZBXiKDGVZMNWdhRSsOFX4p4Lg==
            -----END EC PRIVATE KEY-----
            """;
    private static final String SSH_KEYGEN_EC_PUBLIC = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIu"
            + "tIR5fDIfvlEbEHXS0SRBncHXimMyHMKcg7jv2Cb+pRLScqeLIPVEJXtzPkT2QV4igxlWTDVnYUUrDhV+KeC4=";

    /** PEM key files (PKCS#1, SEC1, PKCS#8): MINA's own parsers read them, with no provider of Bouncy Castle's. */
    @Test
    void pemKeyFilesStillRead() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        java.io.StringWriter pkcs1 = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(pkcs1)) {
            writer.writeObject(rsa);
        }
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        for (String file : List.of(pkcs1.toString(), pkcs8)) {
            assertThat(KeyUtils.compareKeys(readKey(file).getPublic(), rsa.getPublic())).as(file.lines().findFirst().orElse("")).isTrue();
        }
        assertThat(pkcs1.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(org.apache.sshd.common.config.keys.PublicKeyEntry.toString(readKey(SSH_KEYGEN_EC_PEM).getPublic()))
                .isEqualTo(SSH_KEYGEN_EC_PUBLIC);
        assertThat(SecurityUtils.isBouncyCastleRegistered()).isFalse();
    }

    private static KeyPair readKey(String file) throws Exception {
        return SecurityUtils.loadKeyPairIdentities(null, org.apache.sshd.common.NamedResource.ofName("test key"),
                new java.io.ByteArrayInputStream(file.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), null).iterator().next();
    }

    private static String provider(Provider p) {
        return p.getName();
    }
}
