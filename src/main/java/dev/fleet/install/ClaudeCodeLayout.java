package dev.fleet.install;

import java.nio.file.Path;

/**
 * Where Claude Code keeps what fleet wires, for one scope.
 *
 * @param scope         user or project
 * @param home          the user's home (the settings' {@code HOME})
 * @param projectDir    the project folder (project scope; the current folder)
 * @param settingsFile  {@code ~/.claude/settings.json} or {@code <project>/.claude/settings.json}
 * @param skillDir      {@code ~/.claude/skills/fleet} or {@code <project>/.claude/skills/fleet}
 * @param serversFile   where {@code claude mcp add} records the server: {@code ~/.claude.json}
 *                      (user scope) or {@code <project>/.mcp.json}
 * @param skillReadRule the permission rule that lets Claude read the skill's files without asking
 */
public record ClaudeCodeLayout(InstallScope scope, Path home, Path projectDir, Path settingsFile, Path skillDir,
                               Path serversFile, String skillReadRule) {

    public static ClaudeCodeLayout of(InstallScope scope, Path userHome, Path currentDir) {
        Path home = userHome.toAbsolutePath().normalize();
        if (scope == InstallScope.USER) {
            Path claude = home.resolve(".claude");
            return new ClaudeCodeLayout(scope, home, null, claude.resolve("settings.json"), claude.resolve("skills").resolve("fleet"),
                    home.resolve(".claude.json"), "Read(~/.claude/skills/fleet/**)");
        }
        Path project = currentDir.toAbsolutePath().normalize();
        Path claude = project.resolve(".claude");
        return new ClaudeCodeLayout(scope, home, project, claude.resolve("settings.json"), claude.resolve("skills").resolve("fleet"),
                project.resolve(".mcp.json"), "Read(.claude/skills/fleet/**)");
    }

    /** A short name for this wiring's record: one per user, one per project folder. */
    public String recordName() {
        if (scope == InstallScope.USER) {
            return "claude-code-user.json";
        }
        return "claude-code-project-" + Integer.toHexString(projectDir.toString().hashCode()) + ".json";
    }
}
