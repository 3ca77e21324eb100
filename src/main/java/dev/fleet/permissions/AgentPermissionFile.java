package dev.fleet.permissions;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.agentcli.ProviderAdapter;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The permission file a member's agent CLI reads in its work folder, and how fleet's allow list
 * (written in Claude Code's rule syntax: {@code Read}, {@code Edit(docs/**)}, {@code Bash(npm:*)})
 * goes into it. Fleet owns only its permission keys; every other key in the file is kept. What a
 * CLI cannot express is left out (a narrower file, never a broader one); docs/providers.md says
 * what each CLI gets.
 */
abstract sealed class AgentPermissionFile {
    private static final Pattern BASH = Pattern.compile("Bash\\((.+?)(?::\\*)?\\)");

    /** The file of the member's CLI; the path comes from the CLI's adapter. */
    static AgentPermissionFile of(ProviderAdapter cli) {
        String path = cli.permissionFile().path();
        return switch (cli.provider()) {
            case CLAUDE -> new Claude(path);
            case CODEX -> new Codex(path);
            case OPENCODE -> new OpenCode(path);
            case COPILOT -> new Copilot(path);
            case AGY -> new Agy(path);
            case NONE -> throw new IllegalArgumentException("llm_provider none has no agent");
        };
    }

    private final String relativePath;

    private AgentPermissionFile(String relativePath) {
        this.relativePath = relativePath;
    }

    /** Relative to the work folder. */
    final String relativePath() {
        return relativePath;
    }

    /**
     * The file's new text with exactly {@code allow} (a composition decides it all).
     *
     * @param existing the file's text; null when there is none
     * @param where    the file, for messages
     */
    abstract String compose(String existing, List<String> allow, String where) throws PermissionException;

    /** The file's new text with {@code more} added to what it allows. */
    abstract String grant(String existing, List<String> more, String where) throws PermissionException;

    /** The command a {@code Bash(…)} rule allows ({@code npm test} for {@code Bash(npm test:*)}); null for other rules. */
    static String command(String rule) {
        Matcher m = BASH.matcher(rule);
        return m.matches() ? m.group(1).strip() : null;
    }

    /** Whether the rule lets the agent change any file ({@code Write}, {@code Edit}, unscoped). */
    static boolean writesAnywhere(String rule) {
        return rule.equals("Write") || rule.equals("Edit") || rule.equals("Write(*)") || rule.equals("Edit(*)")
                || rule.equals("Write(**)") || rule.equals("Edit(**)");
    }

    /** The path a scoped {@code Write(…)}/{@code Edit(…)} rule allows; null for other rules. */
    static String scopedWrite(String rule) {
        for (String tool : List.of("Write(", "Edit(")) {
            if (rule.startsWith(tool) && rule.endsWith(")") && !writesAnywhere(rule)) {
                return rule.substring(tool.length(), rule.length() - 1);
            }
        }
        return null;
    }

    static ObjectNode json(String text, ObjectMapper mapper, String where) throws PermissionException {
        if (text == null || text.isBlank()) {
            return mapper.createObjectNode();
        }
        JsonNode n;
        try {
            n = mapper.readTree(text);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            throw new PermissionException(where + " is not a JSON object; fix it or move it aside (fleet does not overwrite it)");
        }
        return (ObjectNode) n;
    }

    static ObjectNode object(ObjectNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && n.isObject() ? (ObjectNode) n : parent.putObject(field);
    }

    /** Adds {@code more} to the {@code allow} array of {@code parent}, each entry once, keeping what is there. */
    static void addTo(ObjectNode parent, List<JsonNode> more) {
        Set<JsonNode> all = new LinkedHashSet<>();
        JsonNode had = parent.get("allow");
        if (had != null && had.isArray()) {
            had.forEach(all::add);
        }
        all.addAll(more);
        ArrayNode list = parent.putArray("allow");
        all.forEach(list::add);
    }

    /** Pretty JSON and a newline, ASCII only (escapes survive any console code page on the way to the member). */
    static String text(ObjectNode root, ObjectMapper mapper) {
        try {
            return mapper.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writer().with(JsonGenerator.Feature.ESCAPE_NON_ASCII).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot render " + e.getMessage(), e);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Claude Code: {@code permissions.allow} of {@code .claude/settings.local.json}, the rules as they are. */
    static final class Claude extends AgentPermissionFile {
        Claude(String path) {
            super(path);
        }

        @Override
        String compose(String existing, List<String> allow, String where) throws PermissionException {
            ClaudeSettings s = ClaudeSettings.parse(existing, MAPPER, where);
            s.replaceAllow(allow);
            return s.text(MAPPER);
        }

        @Override
        String grant(String existing, List<String> more, String where) throws PermissionException {
            ClaudeSettings s = ClaudeSettings.parse(existing, MAPPER, where);
            s.addToAllow(more);
            return s.text(MAPPER);
        }
    }

    /**
     * OpenCode: {@code permission} of {@code opencode.json}: {@code edit} is allowed when the rules
     * let the agent write anywhere (OpenCode cannot scope edits to a path), else denied; {@code bash}
     * allows each command of a {@code Bash(…)} rule (with its arguments) and denies the rest.
     */
    static final class OpenCode extends AgentPermissionFile {
        OpenCode(String path) {
            super(path);
        }

        @Override
        String compose(String existing, List<String> allow, String where) throws PermissionException {
            ObjectNode root = json(existing, MAPPER, where);
            ObjectNode permission = object(root, "permission");
            permission.put("edit", allow.stream().anyMatch(AgentPermissionFile::writesAnywhere) ? "allow" : "deny");
            ObjectNode bash = permission.putObject("bash");
            add(bash, allow);
            bash.put("*", "deny");
            return text(root, MAPPER);
        }

        @Override
        String grant(String existing, List<String> more, String where) throws PermissionException {
            ObjectNode root = json(existing, MAPPER, where);
            ObjectNode permission = object(root, "permission");
            if (more.stream().anyMatch(AgentPermissionFile::writesAnywhere)) {
                permission.put("edit", "allow");
            }
            ObjectNode bash = object(permission, "bash");
            JsonNode rest = bash.remove("*");
            add(bash, more);
            // The catch-all stays last: OpenCode takes the last matching pattern.
            bash.put("*", rest == null ? "deny" : rest.asText("deny"));
            return text(root, MAPPER);
        }

        private static void add(ObjectNode bash, List<String> rules) {
            for (String rule : rules) {
                String cmd = command(rule);
                if (cmd != null) {
                    bash.put(cmd, "allow");
                    bash.put(cmd + " *", "allow");
                }
            }
        }
    }

    /**
     * GitHub Copilot CLI: {@code tools.allow} of {@code .github/copilot/settings.local.json} in its
     * tool syntax ({@code shell(npm test)}, {@code write}), with {@code allow-all-tools} off. Reading
     * needs no grant there; path-scoped writes cannot be expressed and are left out.
     */
    static final class Copilot extends AgentPermissionFile {
        Copilot(String path) {
            super(path);
        }

        @Override
        String compose(String existing, List<String> allow, String where) throws PermissionException {
            ObjectNode root = json(existing, MAPPER, where);
            root.put("allow-all-tools", false);
            ArrayNode list = object(root, "tools").putArray("allow");
            tools(allow).forEach(list::add);
            return text(root, MAPPER);
        }

        @Override
        String grant(String existing, List<String> more, String where) throws PermissionException {
            ObjectNode root = json(existing, MAPPER, where);
            addTo(object(root, "tools"), tools(more).stream().map(t -> (JsonNode) MAPPER.getNodeFactory().textNode(t)).toList());
            return text(root, MAPPER);
        }

        private static Set<String> tools(List<String> rules) {
            Set<String> out = new LinkedHashSet<>();
            for (String rule : rules) {
                String cmd = command(rule);
                if (cmd != null) {
                    out.add("shell(" + cmd + ")");
                } else if (writesAnywhere(rule)) {
                    out.add("write");
                }
            }
            return out;
        }
    }

    /**
     * Antigravity: {@code permissions.allow} of {@code .gemini/antigravity-cli/settings.json} as
     * {@code {action, target}} pairs: {@code read_file}, {@code write_file} (with the rule's path),
     * {@code command} and {@code read_url}.
     */
    static final class Agy extends AgentPermissionFile {
        Agy(String path) {
            super(path);
        }

        @Override
        String compose(String existing, List<String> allow, String where) throws PermissionException {
            ObjectNode root = json(existing, MAPPER, where);
            ArrayNode list = object(root, "permissions").putArray("allow");
            entries(allow).forEach(list::add);
            return text(root, MAPPER);
        }

        @Override
        String grant(String existing, List<String> more, String where) throws PermissionException {
            ObjectNode root = json(existing, MAPPER, where);
            addTo(object(root, "permissions"), List.copyOf(entries(more)));
            return text(root, MAPPER);
        }

        private static Set<JsonNode> entries(List<String> rules) {
            Set<JsonNode> out = new LinkedHashSet<>();
            for (String rule : rules) {
                String cmd = command(rule);
                String scoped = scopedWrite(rule);
                if (cmd != null) {
                    out.add(entry("command", cmd));
                } else if (writesAnywhere(rule)) {
                    out.add(entry("write_file", "*"));
                } else if (scoped != null) {
                    out.add(entry("write_file", scoped));
                } else if (rule.equals("Read") || rule.equals("Glob") || rule.equals("Grep")) {
                    out.add(entry("read_file", "*"));
                } else if (rule.equals("WebFetch")) {
                    out.add(entry("read_url", "*"));
                }
            }
            return out;
        }

        private static JsonNode entry(String action, String target) {
            return MAPPER.createObjectNode().put("action", action).put("target", target);
        }
    }

    /**
     * Codex: {@code .codex/config.toml} has no per-command list, only a sandbox: the workspace is
     * writable (with network, for builds) when the rules let the agent write anywhere, else read-only;
     * Codex never asks (nobody could answer). Fleet writes the whole file, so it only replaces a
     * file it wrote itself; single grants cannot be expressed.
     */
    static final class Codex extends AgentPermissionFile {
        static final String MARK = "# Written by fleet compose_permissions; compose again rather than edit.";

        Codex(String path) {
            super(path);
        }

        @Override
        String compose(String existing, List<String> allow, String where) throws PermissionException {
            if (existing != null && !existing.isBlank() && !existing.startsWith(MARK)) {
                throw new PermissionException(where + " exists and was not written by fleet; move it aside (fleet does not "
                        + "overwrite it) or set approval_policy and sandbox_mode in it yourself");
            }
            boolean writes = allow.stream().anyMatch(AgentPermissionFile::writesAnywhere);
            return MARK + "\n"
                    + "approval_policy = \"never\"\n"
                    + "sandbox_mode = \"" + (writes ? "workspace-write" : "read-only") + "\"\n"
                    + (writes ? "\n[sandbox_workspace_write]\nnetwork_access = true\n" : "");
        }

        @Override
        String grant(String existing, List<String> more, String where) throws PermissionException {
            throw new PermissionException("Codex has no per-command permissions (only its sandbox, which compose_permissions "
                    + "sets from the role: doer = workspace-write, reviewer = read-only); nothing was changed");
        }
    }
}
