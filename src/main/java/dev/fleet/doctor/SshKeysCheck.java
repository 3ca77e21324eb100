package dev.fleet.doctor;

import dev.fleet.exec.ssh.CryptoProviders;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The private keys members log in with: present, private to the user, and without a passphrase
 * (fleet runs unattended, so it cannot type one).
 */
public final class SshKeysCheck extends MemberCheck {
    private final Path home;

    public SshKeysCheck(RegistryStore store, Path home) {
        super(store);
        this.home = home;
    }

    @Override
    public String name() {
        return "ssh keys";
    }

    @Override
    List<Finding> check(Registry registry) {
        Map<Path, List<String>> keys = new LinkedHashMap<>();
        for (Member m : registry.members()) {
            String key = m.keyPath() != null ? m.keyPath() : m.cloud() != null ? m.cloud().sshKeyPath() : null;
            if (!m.isLocal() && key != null) {
                keys.computeIfAbsent(expand(key), k -> new ArrayList<>()).add(m.friendlyName());
            }
        }
        if (keys.isEmpty()) {
            return List.of(Finding.note("no member logs in with a key file"));
        }
        List<Finding> found = new ArrayList<>();
        for (Map.Entry<Path, List<String>> e : keys.entrySet()) {
            found.addAll(check(e.getKey(), String.join(", ", e.getValue())));
        }
        return found;
    }

    private List<Finding> check(Path key, String members) {
        String who = key + " (" + members + ")";
        if (!Files.isRegularFile(key)) {
            return List.of(Finding.problem(who + " does not exist", "put the key back, or point the member at another: "
                    + "update_member key_path=..."));
        }
        List<Finding> found = new ArrayList<>();
        try {
            Optional<String> open = FileModes.openToOthers(key);
            if (open.isPresent()) {
                found.add(Finding.problem(who + " is readable by other users (" + open.get() + ")", "chmod 600 " + key));
            }
        } catch (IOException e) {
            found.add(Finding.problem("cannot read the permissions of " + who + ": " + e.getMessage(), "check the file's owner"));
        }
        found.add(load(key, who));
        return found;
    }

    private static Finding load(Path key, String who) {
        CryptoProviders.install();
        try (InputStream in = Files.newInputStream(key)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in,
                    (session, resource, retry) -> {
                        throw new PassphraseNeeded();
                    });
            if (pairs == null || !pairs.iterator().hasNext()) {
                return Finding.problem(who + " holds no private key fleet can read", "use an OpenSSH private key (Ed25519, ECDSA or RSA)");
            }
            return Finding.ok(who + ": " + pairs.iterator().next().getPublic().getAlgorithm() + " key, no passphrase, readable");
        } catch (Exception e) {
            if (causedBy(e)) {
                return Finding.problem(who + " is protected by a passphrase, which fleet cannot type",
                        "use a key without a passphrase for fleet (ssh-keygen -p -f " + key + " removes it, or setup_ssh_key "
                                + "makes a fleet key for a password member)");
            }
            return Finding.problem("cannot read " + who + ": " + e.getMessage(), "use an OpenSSH private key (Ed25519, ECDSA or RSA)");
        }
    }

    private static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PassphraseNeeded) {
                return true;
            }
        }
        return false;
    }

    private Path expand(String path) {
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }

    private static final class PassphraseNeeded extends IOException {
        PassphraseNeeded() {
            super("passphrase needed");
        }
    }
}
