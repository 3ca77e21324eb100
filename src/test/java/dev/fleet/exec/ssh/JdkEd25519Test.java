package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ed25519 through the JDK reads and writes the same keys OpenSSH and OpenSSL do. The key files
 * below were made for this test alone ({@code ssh-keygen -t ed25519 -N ""} and
 * {@code openssl genpkey -algorithm ed25519}) and guard nothing. Logging in with Ed25519 keys, to
 * MINA's server and to OpenSSH's sshd, is covered by the SSH suites.
 */
class JdkEd25519Test {
    private static final String OPENSSH_PRIVATE = """
            -----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
            QyNTUxOQAAACBYHg356l7mUeLvP2bjxg1JVys2DIWX7Y0UuZcn06bH2AAAAJhp6eH5aenh
            +QAAAAtzc2gtZWQyNTUxOQAAACBYHg356l7mUeLvP2bjxg1JVys2DIWX7Y0UuZcn06bH2A
            AAAECqM1xNGcWhW7hdkB2lzANTzE+x9CLJIhr8bftzf9ubiFgeDfnqXuZR4u8/ZuPGDUlX
            KzYMhZftjRS5lyfTpsfYAAAADmZsZWV0LXRlc3Qta2V5AQIDBAUGBw==
            -----END OPENSSH PRIVATE KEY-----
            """;
    private static final String OPENSSH_PUBLIC = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgeDfnqXuZR4u8/ZuPGDUlXKzYMhZftjRS5lyfTpsfY";

    private static final String PKCS8_PRIVATE = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIC2SedgOV0t3RB1HI/F45WAvtb++UQ/OS+1W4MagO995
            -----END PRIVATE KEY-----
            """;
    /** {@code openssl pkey -pubout} of the key above. */
    private static final String PKCS8_PUBLIC_X509 = "MCowBQYDK2VwAyEAbiZOId+NpSBFVsBnYec9KOBS0hW0c2eRBM77JdQmi0g=";

    @BeforeAll
    static void install() {
        CryptoProviders.install();
    }

    @Test
    void anOpenSshKeyFileReadsAsTheJdksKeysWithItsOwnPublicKey() throws Exception {
        KeyPair pair = read(OPENSSH_PRIVATE);
        assertThat(pair.getPublic()).isInstanceOf(EdECPublicKey.class);
        assertThat(pair.getPrivate()).isInstanceOf(EdECPrivateKey.class);
        assertThat(PublicKeyEntry.toString(pair.getPublic())).isEqualTo(OPENSSH_PUBLIC);
        assertThat(PublicKeyEntry.parsePublicKeyEntry(OPENSSH_PUBLIC).resolvePublicKey(null, null, null))
                .isEqualTo(pair.getPublic());
        assertThat(KeyUtils.getFingerPrint(pair.getPublic())).startsWith("SHA256:");
        assertSignsAndVerifies(pair);
    }

    @Test
    void aPkcs8PemFileReadsWithThePublicKeyRecoveredFromItsSeed() throws Exception {
        KeyPair pair = read(PKCS8_PRIVATE);
        PublicKey openssl = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(PKCS8_PUBLIC_X509)));
        assertThat(pair.getPublic().getEncoded()).isEqualTo(openssl.getEncoded());
        assertThat(new JdkEd25519().recoverEDDSAPublicKey(pair.getPrivate()).getEncoded()).isEqualTo(openssl.getEncoded());
        assertSignsAndVerifies(pair);
    }

    @Test
    void aKeyWrittenInOpenSshsFormatReadsBackAsTheSameKey() throws Exception {
        KeyPair generated = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(generated, "round trip", null, file);
        assertThat(file.toString(StandardCharsets.US_ASCII)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        KeyPair read = read(file.toString(StandardCharsets.US_ASCII));
        assertThat(read.getPublic().getEncoded()).isEqualTo(generated.getPublic().getEncoded());
        assertThat(read.getPrivate().getEncoded()).isEqualTo(generated.getPrivate().getEncoded());
        assertThat(KeyUtils.compareKeys(read.getPublic(), generated.getPublic())).isTrue();
        assertThat(KeyUtils.compareKeys(read.getPrivate(), generated.getPrivate())).isTrue();
        assertThat(KeyUtils.compareKeys(read.getPublic(), read(OPENSSH_PRIVATE).getPublic())).isFalse();
    }

    @Test
    void aSignatureFromAnotherKeyOrOverOtherDataIsRefused() throws Exception {
        KeyPair mine = read(OPENSSH_PRIVATE);
        KeyPair other = read(PKCS8_PRIVATE);
        byte[] signature = sign(mine, "fleet");
        assertThat(verify(mine.getPublic(), "fleet", signature)).isTrue();
        assertThat(verify(other.getPublic(), "fleet", signature)).isFalse();
        assertThat(verify(mine.getPublic(), "fleeT", signature)).isFalse();
    }

    @Test
    void theSameKeyFromAnotherProviderIsTheSameKey() throws Exception {
        KeyPair jdk = read(OPENSSH_PRIVATE);
        java.security.Provider bouncyCastle = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        KeyFactory other = KeyFactory.getInstance("Ed25519", bouncyCastle);
        PublicKey otherPublic = other.generatePublic(new X509EncodedKeySpec(jdk.getPublic().getEncoded()));
        java.security.PrivateKey otherPrivate = other.generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(jdk.getPrivate().getEncoded()));
        JdkEd25519 support = new JdkEd25519();
        assertThat(support.compareEDDSAPPublicKeys(jdk.getPublic(), otherPublic)).isTrue();
        assertThat(support.compareEDDSAPrivateKeys(jdk.getPrivate(), otherPrivate)).isTrue();
        assertThat(support.compareEDDSAPPublicKeys(read(PKCS8_PRIVATE).getPublic(), otherPublic)).isFalse();
    }

    @Test
    void aKeyPairInTheAgentProtocolsFormIsTypePublicKeyThenSeedAndPublicKey() throws Exception {
        KeyPair pair = read(OPENSSH_PRIVATE);
        org.apache.sshd.common.util.buffer.Buffer buffer = new org.apache.sshd.common.util.buffer.ByteArrayBuffer();
        buffer.putKeyPair(pair);
        byte[] raw = Base64.getDecoder().decode(OPENSSH_PUBLIC.split(" ")[1]);
        byte[] publicKey = java.util.Arrays.copyOfRange(raw, raw.length - 32, raw.length);
        assertThat(buffer.getString()).isEqualTo("ssh-ed25519");
        assertThat(buffer.getBytes()).isEqualTo(publicKey);
        byte[] secret = buffer.getBytes();
        assertThat(secret).hasSize(64);
        assertThat(java.util.Arrays.copyOfRange(secret, 32, 64)).isEqualTo(publicKey);
        assertThat(new JdkEd25519().generateEDDSAPrivateKey(java.util.Arrays.copyOf(secret, 32)).getEncoded())
                .isEqualTo(pair.getPrivate().getEncoded());
        assertThat(buffer.available()).isZero();
    }

    @Test
    void keySizesOtherThanEd25519sAreRefusedByName() throws Exception {
        assertThat(SecurityUtils.getEDDSAKeySize(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic()))
                .isEqualTo(256);
        assertThatThrownBy(() -> KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 448))
                .hasMessageContaining("Ed25519").hasMessageContaining("448");
    }

    private static void assertSignsAndVerifies(KeyPair pair) throws Exception {
        assertThat(verify(pair.getPublic(), "fleet", sign(pair, "fleet"))).isTrue();
    }

    private static byte[] sign(KeyPair pair, String data) throws Exception {
        Signature signer = BuiltinSignatures.ed25519.create();
        signer.initSigner(null, pair.getPrivate());
        signer.update(null, data.getBytes(StandardCharsets.UTF_8));
        return signer.sign(null);
    }

    private static boolean verify(PublicKey key, String data, byte[] signature) throws Exception {
        Signature verifier = BuiltinSignatures.ed25519.create();
        verifier.initVerifier(null, key);
        verifier.update(null, data.getBytes(StandardCharsets.UTF_8));
        return verifier.verify(null, signature);
    }

    private static KeyPair read(String file) throws Exception {
        Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("test key"),
                new ByteArrayInputStream(file.getBytes(StandardCharsets.US_ASCII)), null);
        List<KeyPair> all = new java.util.ArrayList<>();
        pairs.forEach(all::add);
        assertThat(all).hasSize(1);
        return all.get(0);
    }
}
