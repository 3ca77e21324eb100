package dev.fleet.registration;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.RequestRefused;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.ssh.SshKeys;
import dev.fleet.member.AuthType;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Moves a password member to key auth: a key pair in fleet's keys folder, its public half in the
 * member's authorized_keys, a proven key login, and only then the switch (the password is
 * deleted). Any failure leaves the member on password auth and deletes the new key.
 */
public final class SshKeySetup {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The member now logs in with {@code keyFile}. */
    public record Switched(Member member, Path keyFile, String fingerprint) {
    }

    private final RegistryStore store;
    private final Channels channels;
    private final DataDir dataDir;

    public SshKeySetup(RegistryStore store, Channels channels, DataDir dataDir) {
        this.store = store;
        this.channels = channels;
        this.dataDir = dataDir;
    }

    /** {@code memberParameter}: the parameter that named the member, for the refusal of a local one. */
    public Switched switchToKey(Member m, String memberParameter) throws ChannelException, IOException {
        if (m.isLocal()) {
            throw new InvalidRequest(memberParameter, "names a local member (" + m.friendlyName() + "); SSH keys apply to remote members");
        }
        if (m.authType() != AuthType.PASSWORD) {
            throw new RequestRefused("Member " + m.friendlyName() + " already uses key auth (" + m.keyPath() + "); nothing to do.");
        }
        Path keyFile = dataDir.keysDir().resolve(m.id());
        SshKeys.Generated key = SshKeys.generateEd25519(keyFile, "fleet-" + m.friendlyName());
        boolean switched = false;
        try {
            MemberChannel channel = channels.forMember(m);
            CommandResult added = channel.exec(CommandRequest.probe(channel.os().authorizeKey(key.publicKeyLine()), TIMEOUT));
            if (!added.succeeded()) {
                throw new RequestRefused("Could not add the key to " + m.friendlyName() + "'s authorized_keys: "
                        + added.stderr().strip() + ". The member stays on password auth.");
            }
            Member withKey = m.toBuilder().authType(AuthType.KEY).keyPath(keyFile.toString()).encryptedPassword(null).build();
            try {
                channels.proveLogin(withKey);
            } catch (ChannelException e) {
                throw new RequestRefused("The key was added but a key login failed (" + e.getMessage()
                        + "). The member stays on password auth.");
            }
            store.update(r -> r.replacing(m.id(), old -> old.toBuilder().authType(AuthType.KEY).keyPath(keyFile.toString())
                    .encryptedPassword(null).build()));
            switched = true;
            channels.release(m);
            return new Switched(m, keyFile, key.fingerprint());
        } finally {
            if (!switched) {
                Files.deleteIfExists(keyFile);
                Files.deleteIfExists(key.publicKeyFile());
            }
        }
    }
}
