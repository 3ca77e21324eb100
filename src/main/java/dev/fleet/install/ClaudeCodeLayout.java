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

    /**
     * The most fleet reads of {@link #serversFile}: Claude Code's own state file keeps history and
     * grows large; a project's {@code .mcp.json} is configuration, and may come with a cloned repository.
     */
    public long serversFileMaxBytes() {
        return scope == InstallScope.USER ? JsonFiles.MAX_STATE_BYTES : JsonFiles.MAX_BYTES;
    }

    /**
     * A short name for this wiring's record: one per user, one per project folder. The project's is
     * named by a SHA-256 of its path: a 32-bit String hash is shared by folders as plain as
     * {@code Aa} and {@code BB}, whose installs then overwrote each other's record.
     */
    public String recordName() {
        if (scope == InstallScope.USER) {
            return "claude-code-user.json";
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(projectDir.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "claude-code-project-" + java.util.HexFormat.of().formatHex(digest, 0, 12) + ".json";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The name an earlier version gave this project's record (String hash), still read when no record has the new name. */
    public String legacyRecordName() {
        return scope == InstallScope.USER ? recordName()
                : "claude-code-project-" + Integer.toHexString(projectDir.toString().hashCode()) + ".json";
    }
}
