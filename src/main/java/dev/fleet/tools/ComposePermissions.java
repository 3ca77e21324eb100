package dev.fleet.tools;

import dev.fleet.exec.ChannelException;
import dev.fleet.member.Member;
import dev.fleet.member.MemberRules;
import dev.fleet.permissions.PermissionComposer;
import dev.fleet.permissions.PermissionException;
import dev.fleet.permissions.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** compose_permissions: writes the allow-list of a member's agent CLI for its role and project, or grants more mid-sprint. */
public final class ComposePermissions implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            Param.oneOf("role", "doer (writes code: edit, build, test tools) or reviewer (reads code, runs tests, writes "
                    + "feedback files only).", "doer", "reviewer").required(),
            Param.string("project_folder", "Existing folder on this machine that keeps the project's permissions.json ledger "
                    + "(stacks found, permissions granted; the file is created if missing). Without it no ledger is kept.")
                    .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE),
            Param.stringList("grant", "Mid-sprint: permissions to add now (Claude Code rules such as Bash(docker:*)), for a "
                    + "member that was denied one. Added to what it has; role is then not used. sudo, su, env, printenv, nc, "
                    + "nmap, chmod 777 and allow-everything rules are refused: ask the user.")
                    .matching("[A-Za-z][A-Za-z0-9_]{0,127}(?:\\([^\\x00-\\x1f\\x7f]{0,500}\\))?",
                            "must be a Claude Code permission rule such as Read, Edit(docs/**) or Bash(npm test:*)"),
            Param.string("grant_reason", "Why the grant is needed; recorded in the ledger (default 'granted mid-sprint').")
                    .length(1, 500));

    private final MemberTarget target;
    private final PermissionComposer composer;

    public ComposePermissions(MemberTarget target, PermissionComposer composer) {
        this.target = target;
        this.composer = composer;
    }

    @Override
    public String name() {
        return "compose_permissions";
    }

    @Override
    public String description() {
        return "Set what a member's agent may do without asking, before a sprint: detects the project's stacks from marker "
                + "files in the member's work folder (package.json, pyproject.toml, Cargo.toml, go.mod, pom.xml, "
                + "build.gradle, Makefile, *.sln, …), composes the role's base permissions with each stack's commands and "
                + "the ledger's earlier grants, and writes them into the permission file the member's agent CLI reads in the "
                + "work folder: permissions.allow of .claude/settings.local.json for Claude Code; Codex .codex/config.toml "
                + "(sandbox only); OpenCode opencode.json (permission); Copilot .github/copilot/settings.local.json; "
                + "Antigravity .gemini/antigravity-cli/settings.json (other settings in those files are kept). With grant, "
                + "adds single permissions mid-sprint "
                + "(docker also brings docker-compose, kubectl brings helm, …) and records them in the ledger. "
                + "A second or two.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        Role role = Role.fromJson(in.string("role")).orElseThrow();
        String ledger = in.string("project_folder");
        List<String> grants = in.stringList("grant");
        boolean granting = grants != null && !grants.isEmpty();
        if (in.given("grant_reason") && !granting) {
            throw new InvalidInputException("grant_reason", "applies only with grant");
        }
        Member member = target.work(in);
        try {
            return granting ? granted(composer.grant(member, grants, in.string("grant_reason"), ledger, call))
                    : composed(composer.compose(member, role, ledger, call), role);
        } catch (PermissionException e) {
            return ToolResult.error("❌ " + e.getMessage());
        } catch (ChannelException e) {
            return ToolResult.error("❌ Member \"" + member.friendlyName() + "\" is offline: " + e.getMessage());
        }
    }

    private static ToolResult composed(PermissionComposer.Composed c, Role role) {
        Member m = c.member();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", m.friendlyName());
        out.put("role", role.json());
        out.put("stacks", c.stacks());
        out.put("allow", c.allow());
        out.put("ledgerGrants", c.ledgerGrants());
        out.put("settingsFile", c.settingsFile());
        out.put("ledgerFile", c.ledgerFile() == null ? null : c.ledgerFile().toString());
        return ToolResult.ok("✅ Permissions composed for \"" + m.friendlyName() + "\" (" + role.json() + "):\n"
                + "  Stacks: " + (c.stacks().isEmpty() ? "none detected" : String.join(", ", c.stacks())) + "\n"
                + "  Permissions: " + c.allow().size() + " entries\n"
                + "  Ledger grants: " + c.ledgerGrants() + "\n"
                + "  Written to: " + c.settingsFile(), out);
    }

    private static ToolResult granted(PermissionComposer.Granted g) {
        Member m = g.member();
        StringBuilder text = new StringBuilder("✅ Granted ").append(g.permissions().size()).append(" permissions on \"")
                .append(m.friendlyName()).append("\":");
        g.permissions().forEach(p -> text.append("\n  ").append(p));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", m.friendlyName());
        out.put("granted", g.permissions());
        out.put("settingsFile", g.settingsFile());
        out.put("ledgerFile", g.ledgerFile() == null ? null : g.ledgerFile().toString());
        return ToolResult.ok(text.toString(), out);
    }
}
