package dev.fleet.tools;

import dev.fleet.registration.SshKeySetup;

/** setup_ssh_key: moves a password member to key auth, proving the key works before switching. */
public final class SetupSshKey implements Tool {
    private final MemberTarget target;
    private final SshKeySetup keys;

    public SetupSshKey(MemberTarget target, SshKeySetup keys) {
        this.target = target;
        this.keys = keys;
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
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        SshKeySetup.Switched s = keys.switchToKey(target.work(in), in.given("member_id") ? "member_id" : "member_name");
        return ToolResult.ok("Member " + s.member().friendlyName() + " now uses SSH key auth.\n"
                + "  key:         " + s.keyFile() + " (Ed25519, " + s.fingerprint() + ")\n"
                + "  password:    deleted from fleet's registry\n"
                + "  key login:   verified");
    }
}
