package dev.fleet.tools;

import dev.fleet.member.MemberRules;
import dev.fleet.vcs.VcsAuthService;
import dev.fleet.vcs.VcsException;
import java.util.LinkedHashMap;
import java.util.Map;

/** setup_git_app: registers the GitHub App fleet mints members' tokens with, after checking it against GitHub. */
public final class SetupGitApp implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            Param.string("app_id", "The GitHub App's numeric id (App settings page, 'App ID').")
                    .matching("[0-9]{1,20}", "must be the App's numeric id (digits only)").required(),
            Param.string("private_key_path", "Path on this machine of the App's private key (.pem file downloaded from GitHub; "
                    + "PKCS#1 or PKCS#8). Fleet keeps its own copy (0600) in its data folder.")
                    .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE).required(),
            Param.integer("installation_id", "The id of the App's installation on your organization or account "
                    + "(the number at the end of the installation's settings URL).", 1, 999_999_999_999L).required());

    private final VcsAuthService vcs;

    public SetupGitApp(VcsAuthService vcs) {
        this.vcs = vcs;
    }

    @Override
    public String name() {
        return "setup_git_app";
    }

    @Override
    public String description() {
        return "One-time setup of the GitHub App that provision_vcs_auth mints short-lived, repository-scoped tokens with. "
                + "Signs a JWT with the App's private key and checks the App and its installation with the GitHub API; "
                + "only when both answer is the key stored (0600, in fleet's data folder) with the App's settings. "
                + "Running it again replaces the App. Takes a second (two API calls).";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        VcsAuthService.AppSetup app;
        try {
            app = vcs.setupApp(in.string("app_id"), in.string("private_key_path"), in.longValue("installation_id"));
        } catch (VcsException e) {
            return ToolResult.error("❌ " + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("appName", app.appName());
        out.put("appId", app.appId());
        out.put("account", app.account());
        out.put("installationId", app.installationId());
        out.put("privateKeyPath", app.storedKey().toString());
        return ToolResult.ok("✅ GitHub App configured successfully\n"
                + "  App: " + orNone(app.appName(), "name") + " (ID: " + app.appId() + ")\n"
                + "  Org: " + orNone(app.account(), "account") + "\n"
                + "  Installation: " + app.installationId() + "\n"
                + "  Private key stored: " + app.storedKey(), out);
    }

    /** GitHub may answer without a field (or with one fleet does not take); the text says so rather than "null". */
    private static String orNone(String said, String what) {
        return said != null && !said.isBlank() ? said : "(GitHub returned no " + what + ")";
    }
}
