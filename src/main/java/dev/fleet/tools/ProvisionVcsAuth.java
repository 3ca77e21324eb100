package dev.fleet.tools;

import dev.fleet.member.GitAccess;
import dev.fleet.member.Member;
import dev.fleet.vcs.CredentialSource;
import dev.fleet.vcs.VcsAuthService;
import dev.fleet.vcs.VcsException;
import dev.fleet.vcs.VcsProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** provision_vcs_auth: gives a member git credentials for one hosting service. */
public final class ProvisionVcsAuth implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, VcsParams.PROVIDER,
            Param.oneOf("github_mode", "GitHub only: 'github-app' (default) mints a one-hour token from the App set up with "
                    + "setup_git_app, limited to repos and git_access; 'pat' deploys the personal access token in token.",
                    "github-app", "pat").withDefault("github-app"),
            Param.string("token", "GitHub PAT (github_mode=pat); also accepted as the Azure DevOps PAT. Never shown again.")
                    .matching(VcsParams.SECRET_REGEX, VcsParams.SECRET_RULE).secret(),
            RegistrationParams.GIT_ACCESS.description("GitHub App: access level of the token (read, push, admin, issues, full); "
                    + "default: the member's registered git_access. For this token only; the registration is not changed."),
            Param.stringList("repos", "GitHub App: repositories (owner/name) the token is limited to, or [\"*\"] for every "
                    + "repository of the installation; default: the member's registered git_repos. For this token only.")
                    .matching("\\*|[\\w.-]+/[\\w.-]+", "must be owner/name (letters, digits, '.', '_', '-') or *"),
            Param.string("email", "Bitbucket: the Atlassian account email (used to check the API token with Bitbucket's API).")
                    .matching("[^\\s@]{1,200}@[^\\s@]{1,200}", "must be an email address"),
            Param.string("api_token", "Bitbucket: the API token (with repository read/write scopes). Never shown again.")
                    .matching(VcsParams.SECRET_REGEX, VcsParams.SECRET_RULE).secret(),
            Param.string("workspace", "Bitbucket: the workspace id.")
                    .matching("[A-Za-z0-9._-]{1,100}", "must be a Bitbucket workspace id (letters, digits, '.', '_', '-')"),
            Param.string("org_url", "Azure DevOps: the organization URL, e.g. https://dev.azure.com/my-org.")
                    .matching("https://[^\\s]{1,2000}", "must be an https URL such as https://dev.azure.com/my-org"),
            Param.string("pat", "Azure DevOps: the personal access token (Code read, or read & write). Never shown again.")
                    .matching(VcsParams.SECRET_REGEX, VcsParams.SECRET_RULE).secret());

    private final MemberTarget target;
    private final VcsAuthService vcs;

    public ProvisionVcsAuth(MemberTarget target, VcsAuthService vcs) {
        this.target = target;
        this.vcs = vcs;
    }

    @Override
    public String name() {
        return "provision_vcs_auth";
    }

    @Override
    public String description() {
        return "Give a member git credentials for GitHub (a one-hour GitHub App token scoped to repos and an access level: "
                + "read, push, admin, issues, full; or a PAT), Bitbucket (API token) or Azure DevOps (PAT). They are "
                + "installed as a git credential helper in the member user's global git config, answering only for that "
                + "service's host, so one member can hold credentials for several services; an earlier credential.helper "
                + "is put back by revoke_vcs_auth. The secret travels on stdin and is never shown (first 4 characters at "
                + "most). GitHub App tokens are renewed automatically before execute_command/execute_prompt when they near "
                + "expiry. Checks the credential with the service's API and that git on the member answers with it. "
                + "A few seconds. Use revoke_vcs_auth to take it back.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        CredentialSource source = source(in);
        Member member = target.work(in);
        VcsAuthService.Provisioned p;
        try {
            p = vcs.provision(member, source);
        } catch (VcsException e) {
            return ToolResult.error("❌ " + e.getMessage());
        }
        StringBuilder text = new StringBuilder("✅ ").append(p.message()).append(" on \"").append(member.friendlyName()).append("\"\n");
        p.metadata().forEach((k, v) -> text.append("  ").append(k).append(": ").append(v).append('\n'));
        p.checks().forEach(c -> text.append("  Verification: ").append(c).append('\n'));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member.friendlyName());
        out.put("provider", p.credential().provider().json());
        out.put("mode", p.credential().mode());
        out.put("host", p.credential().host());
        out.put("token", p.credential().tokenHint());
        out.put("expiresAt", p.credential().expiresAt() == null ? null : p.credential().expiresAt().toString());
        out.put("metadata", p.metadata());
        out.put("verification", p.checks());
        return ToolResult.ok(text.toString().stripTrailing(), out);
    }

    /** The provider's fields, checked before anything is contacted. */
    private static CredentialSource source(ToolInput in) {
        VcsProvider provider = VcsParams.provider(in);
        switch (provider) {
            case GITHUB -> {
                if ("pat".equals(in.string("github_mode"))) {
                    if (in.string("token") == null) {
                        throw new InvalidInputException("token", "is required with github_mode=pat (GitHub PAT mode requires \"token\" field)");
                    }
                    return new CredentialSource.GitHubPat(in.string("token"));
                }
                if (in.string("token") != null) {
                    throw new InvalidInputException("token", "is not used with github_mode=github-app (fleet mints the token from the "
                            + "App); pass github_mode=pat to deploy a personal access token");
                }
                return new CredentialSource.GitHubApp(
                        in.string("git_access") == null ? null : GitAccess.fromJson(in.string("git_access")).orElseThrow(),
                        in.stringList("repos"));
            }
            case BITBUCKET -> {
                for (String p : new String[] {"email", "api_token", "workspace"}) {
                    if (in.string(p) == null) {
                        throw new InvalidInputException(p, "is required with provider=bitbucket (Bitbucket requires \"email\", "
                                + "\"api_token\", and \"workspace\" fields)");
                    }
                }
                return new CredentialSource.Bitbucket(in.string("email"), in.string("api_token"), in.string("workspace"));
            }
            default -> {
                String pat = in.string("pat") != null ? in.string("pat") : in.string("token");
                if (in.string("org_url") == null) {
                    throw new InvalidInputException("org_url", "is required with provider=azure-devops (Azure DevOps requires "
                            + "\"org_url\" and \"pat\" (or \"token\") fields)");
                }
                if (pat == null) {
                    throw new InvalidInputException("pat", "(or token) is required with provider=azure-devops");
                }
                return new CredentialSource.AzureDevOps(in.string("org_url"), pat);
            }
        }
    }
}
