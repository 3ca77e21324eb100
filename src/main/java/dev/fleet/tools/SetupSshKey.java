package dev.fleet.tools;

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

/** setup_ssh_key: moves a password member to key auth, proving the key works before switching. */
public final class SetupSshKey implements Tool {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final MemberTarget target;
    private final RegistryStore store;
    private final Channels channels;
    private final DataDir dataDir;

    public SetupSshKey(MemberTarget target, RegistryStore store, Channels channels, DataDir dataDir) {
        this.target = target;
        this.store = store;
        this.channels = channels;
        this.dataDir = dataDir;
    }

    @Override
    public String name() {
        return "setup_ssh_key";
    }

    @Override
    public String description() {
        return "Switch a remote member from password to SSH key authentication: generates an Ed25519 key pair in "
                + "fleet's keys folder, adds the public key to the member's ~/.ssh/authorized_keys, proves that a key "
                + "login works, then switches the member to key auth and deletes its stored password. Any failure "
                + "leaves the member on password auth. Takes a few seconds.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException, IOException {
        Member m = target.use(in);
        if (m.isLocal()) {
            throw new InvalidInputException(in.given("member_id") ? "member_id" : "member_name",
                    "names a local member (" + m.friendlyName() + "); SSH keys apply to remote members");
        }
        if (m.authType() != AuthType.PASSWORD) {
            throw new ToolException("Member " + m.friendlyName() + " already uses key auth (" + m.keyPath() + "); nothing to do.");
        }
        Path keyFile = dataDir.keysDir().resolve(m.id());
        SshKeys.Generated key = SshKeys.generateEd25519(keyFile, "fleet-" + m.friendlyName());
        boolean switched = false;
        try {
            MemberChannel channel = channels.forMember(m);
            CommandResult added = channel.exec(CommandRequest.probe(Channels.osOf(m).authorizeKey(key.publicKeyLine()), TIMEOUT));
            if (!added.succeeded()) {
                throw new ToolException("Could not add the key to " + m.friendlyName() + "'s authorized_keys: "
                        + added.stderr().strip() + ". The member stays on password auth.");
            }
            Member withKey = m.toBuilder().authType(AuthType.KEY).keyPath(keyFile.toString()).encryptedPassword(null).build();
            try {
                SshKeys.proveLogin(channels, withKey);
            } catch (ChannelException e) {
                throw new ToolException("The key was added but a key login failed (" + e.getMessage()
                        + "). The member stays on password auth.");
            }
            store.update(r -> r.replacing(m.id(), old -> old.toBuilder().authType(AuthType.KEY).keyPath(keyFile.toString())
                    .encryptedPassword(null).build()));
            switched = true;
            channels.release(m);
            return ToolResult.ok("Member " + m.friendlyName() + " now uses SSH key auth.\n"
                    + "  key:         " + keyFile + " (Ed25519, " + key.fingerprint() + ")\n"
                    + "  password:    deleted from fleet's registry\n"
                    + "  key login:   verified");
        } finally {
            if (!switched) {
                Files.deleteIfExists(keyFile);
                Files.deleteIfExists(key.publicKeyFile());
            }
        }
    }
}
