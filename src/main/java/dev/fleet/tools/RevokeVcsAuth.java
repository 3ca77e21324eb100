package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.vcs.VcsAuthService;
import dev.fleet.vcs.VcsException;
import dev.fleet.vcs.VcsProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** revoke_vcs_auth: takes a provider's git credentials off a member. */
public final class RevokeVcsAuth implements Tool {
    private final MemberTarget target;
    private final VcsAuthService vcs;

    public RevokeVcsAuth(MemberTarget target, VcsAuthService vcs) {
        this.target = target;
        this.vcs = vcs;
    }

    @Override
    public String name() {
        return "revoke_vcs_auth";
    }

    @Override
    public String description() {
        return "Remove the git credentials provision_vcs_auth put on a member for one provider (github, bitbucket or "
                + "azure-devops). When it was the member's last one, fleet's credential helper is removed and the "
                + "credential.helper the member had before is put back. A GitHub App token is not revoked at GitHub; it "
                + "expires within the hour. remove_member does this for every provider. About a second.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, VcsParams.PROVIDER);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        VcsProvider provider = VcsParams.provider(in);
        Member member = target.work(in);
        VcsAuthService.Revoked r;
        try {
            r = vcs.revoke(member, provider);
        } catch (VcsException e) {
            return ToolResult.error("❌ " + (e.getMessage().startsWith("Member \"") ? e.getMessage()
                    : "Failed to revoke " + provider.json() + " credentials on \"" + member.friendlyName() + "\": " + e.getMessage()));
        }
        StringBuilder text = new StringBuilder("✅ ").append(provider.label()).append(" credentials revoked on \"")
                .append(member.friendlyName()).append('"');
        if (r.sharedWith() != null) {
            text.append("\n  The credential for ").append(r.host()).append(" stays on that machine: member ").append(r.sharedWith())
                    .append(" uses the same account there.");
        } else if (r.helperRemoved()) {
            text.append("\n  Fleet's credential helper is gone; the member's earlier credential.helper (if any) is back.");
        } else {
            text.append("\n  Fleet's credential helper stays for the member's other hosts.");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member.friendlyName());
        out.put("provider", provider.json());
        out.put("host", r.host());
        out.put("helperRemoved", r.helperRemoved());
        out.put("keptForMember", r.sharedWith());
        return ToolResult.ok(text.toString(), out);
    }
}
