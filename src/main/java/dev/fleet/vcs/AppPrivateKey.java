package dev.fleet.vcs;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A GitHub App's private key from its PEM text. GitHub hands out PKCS#1 files
 * ({@code BEGIN RSA PRIVATE KEY}); converted ones are PKCS#8 ({@code BEGIN PRIVATE KEY}). Both
 * are read; encrypted keys and other key types are refused with a reason.
 */
public final class AppPrivateKey {
    private AppPrivateKey() {
    }

    public static RSAPrivateKey parse(String pem) throws VcsException {
        String text = pem.strip();
        if (!text.startsWith("-----BEGIN")) {
            throw new VcsException("Invalid private key: file does not start with -----BEGIN");
        }
        Object object;
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new VcsException("Invalid private key: the PEM text cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        PrivateKey key;
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                key = converter.getKeyPair(pair).getPrivate();
            } else if (object instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (object == null) {
                throw new VcsException("Invalid private key: no key found in the PEM text");
            } else {
                throw new VcsException("Invalid private key: expected an unencrypted RSA private key (PKCS#1 or PKCS#8), found "
                        + describe(object));
            }
        } catch (IOException | RuntimeException e) {
            throw new VcsException("Invalid private key: it cannot be converted (" + e.getClass().getSimpleName() + ")");
        }
        if (!(key instanceof RSAPrivateKey rsa)) {
            throw new VcsException("Invalid private key: GitHub Apps sign with RSA, this is a " + key.getAlgorithm() + " key");
        }
        return rsa;
    }

    private static String describe(Object o) {
        String n = o.getClass().getSimpleName();
        return n.contains("Encrypted") ? "an encrypted key (GitHub's keys are not encrypted; use the downloaded file)" : n;
    }
}
