package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.registration.Registrar;

/** remove_member: forgets a member and takes back what fleet deployed on it; the folder stays. */
public final class RemoveMember implements Tool {
    private final Registrar registrar;

    public RemoveMember(Registrar registrar) {
        this.registrar = registrar;
    }

    @Override
    public String name() {
        return "remove_member";
    }

    @Override
    public String description() {
        return "Remove a member from the fleet: takes back (best effort) what fleet deployed on it: credentials such as "
                + "the agent login or API key of provision_auth (for any llm_provider), the SSH key added by setup_ssh_key "
                + "and the git credentials of provision_vcs_auth, and the on-instance guard of a cloud member; closes its "
                + "pooled connection and deletes it from the registry. "
                + "The member's work folder and files are left as they are. An unreachable member is removed anyway, "
                + "with a warning.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Registrar.Removed r = registrar.remove(MemberTarget.ref(in));
        Member m = r.member();
        StringBuilder text = new StringBuilder("Removed member " + m.friendlyName() + " (" + m.id() + "). "
                + "Its folder " + m.workFolder() + " was not touched.");
        r.warnings().forEach(w -> text.append("\nWarning: ").append(w));
        return ToolResult.ok(text.toString(), MemberView.structured(m));
    }
}
