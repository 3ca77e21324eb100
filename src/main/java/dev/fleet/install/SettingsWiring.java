package dev.fleet.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What fleet adds to Claude Code's settings.json, and how to take exactly that back out. Every
 * other key of the file is left as it is, in its place.
 *
 * <p>The post-registration hook recognises an earlier fleet hook (or the original product's) by
 * its command naming {@code post-register-member}, and replaces it instead of adding a second one
 * that would stop Claude twice after every registration.
 */
final class SettingsWiring {
    static final String HOOK_MARK = "post-register-member";
    private static final List<String> CONTAINERS_INNER_FIRST = List.of("hooks.PostToolUse", "hooks", "permissions.allow", "permissions");

    /** What fleet wants in settings.json. */
    record Wanted(String serverName, String hookCommand, String statusLineCommand, String skillReadRule) {
        String permission() {
            return "mcp__" + serverName + "__*";
        }

        String hookMatcher() {
            return "mcp__" + serverName + "__register_member";
        }

        ObjectNode hookEntry() {
            ObjectNode entry = JsonFiles.MAPPER.createObjectNode();
            entry.put("matcher", hookMatcher());
            ObjectNode hook = entry.putArray("hooks").addObject();
            hook.put("type", "command");
            hook.put("command", hookCommand);
            return entry;
        }

        ObjectNode statusLine() {
            ObjectNode s = JsonFiles.MAPPER.createObjectNode();
            s.put("type", "command");
            s.put("command", statusLineCommand);
            return s;
        }
    }

    /**
     * What install changed, so that uninstall can undo exactly that.
     *
     * @param addedAllow          permission rules install added (rules the user had are not listed)
     * @param createdContainers   objects/arrays that did not exist before (dotted paths)
     * @param hookEntry           the hook entry fleet put there (null: none)
     * @param replacedHookEntry   the earlier entry it replaced (null: it was appended)
     * @param statusLine          the status line fleet set (null: untouched)
     * @param previousStatusLine  what it replaced (null: there was none)
     */
    record Changes(List<String> addedAllow, List<String> createdContainers, JsonNode hookEntry, JsonNode replacedHookEntry,
                   JsonNode statusLine, JsonNode previousStatusLine) {
        static final Changes NONE = new Changes(List.of(), List.of(), null, null, null, null);

        Changes {
            addedAllow = List.copyOf(addedAllow);
            createdContainers = List.copyOf(createdContainers);
        }

        /** An earlier install's record wins for what existed before it; this one adds what is new. */
        Changes after(Changes earlier) {
            Set<String> allow = new LinkedHashSet<>(earlier.addedAllow);
            allow.addAll(addedAllow);
            Set<String> created = new LinkedHashSet<>(earlier.createdContainers);
            created.addAll(createdContainers);
            boolean earlierHook = earlier.hookEntry != null;
            boolean earlierStatus = earlier.statusLine != null;
            return new Changes(List.copyOf(allow), List.copyOf(created),
                    hookEntry != null ? hookEntry : earlier.hookEntry,
                    earlierHook ? earlier.replacedHookEntry : replacedHookEntry,
                    statusLine != null ? statusLine : earlier.statusLine,
                    earlierStatus ? earlier.previousStatusLine : previousStatusLine);
        }
    }

    record Outcome(ObjectNode settings, List<String> said, Changes changes) {
    }

    private SettingsWiring() {
    }

    static Outcome install(ObjectNode current, Wanted wanted) {
        ObjectNode s = current == null ? JsonFiles.MAPPER.createObjectNode() : current.deepCopy();
        List<String> said = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> added = new ArrayList<>();

        ArrayNode allow = array(object(s, "permissions", created, "permissions"), "allow", created, "permissions.allow");
        for (String rule : List.of(wanted.permission(), wanted.skillReadRule())) {
            if (!contains(allow, rule)) {
                allow.add(rule);
                added.add(rule);
                said.add("allow " + rule + " in permissions.allow");
            }
        }

        ArrayNode postToolUse = array(object(s, "hooks", created, "hooks"), "PostToolUse", created, "hooks.PostToolUse");
        ObjectNode wantedHook = wanted.hookEntry();
        int existing = findHook(postToolUse);
        JsonNode hookSet = null;
        JsonNode hookReplaced = null;
        if (existing < 0) {
            postToolUse.add(wantedHook);
            hookSet = wantedHook;
            said.add("add the post-registration hook (" + wanted.hookMatcher() + " runs: " + wanted.hookCommand() + ")");
        } else if (!postToolUse.get(existing).equals(wantedHook)) {
            hookReplaced = postToolUse.get(existing);
            postToolUse.set(existing, wantedHook);
            hookSet = wantedHook;
            said.add("replace the earlier post-registration hook with: " + wanted.hookCommand());
        }

        ObjectNode wantedStatus = wanted.statusLine();
        JsonNode statusSet = null;
        JsonNode statusBefore = null;
        if (!wantedStatus.equals(s.get("statusLine"))) {
            statusBefore = s.get("statusLine");
            s.set("statusLine", wantedStatus);
            statusSet = wantedStatus;
            said.add((statusBefore == null ? "set" : "replace") + " the status line: " + wanted.statusLineCommand());
        }
        if (said.isEmpty()) {
            // Nothing to add: the containers created above were there already, or are dropped with this copy.
            return new Outcome(current == null ? null : current, said, Changes.NONE);
        }
        return new Outcome(s, said, new Changes(added, created, hookSet, hookReplaced, statusSet, statusBefore));
    }

    /** Takes back what {@code changes} records, as far as the user has not changed it since. */
    static Outcome uninstall(ObjectNode current, Changes changes) {
        ObjectNode s = current.deepCopy();
        List<String> said = new ArrayList<>();
        if (s.get("permissions") instanceof ObjectNode perms && perms.get("allow") instanceof ArrayNode allow) {
            for (String rule : changes.addedAllow()) {
                for (int i = allow.size() - 1; i >= 0; i--) {
                    if (rule.equals(allow.get(i).asText())) {
                        allow.remove(i);
                        said.add("remove " + rule + " from permissions.allow");
                    }
                }
            }
        }
        if (changes.hookEntry() != null && s.get("hooks") instanceof ObjectNode hooks
                && hooks.get("PostToolUse") instanceof ArrayNode post) {
            for (int i = post.size() - 1; i >= 0; i--) {
                if (post.get(i).equals(changes.hookEntry())) {
                    if (changes.replacedHookEntry() != null) {
                        post.set(i, changes.replacedHookEntry());
                        said.add("put back the earlier post-registration hook");
                    } else {
                        post.remove(i);
                        said.add("remove the post-registration hook");
                    }
                }
            }
        }
        if (changes.statusLine() != null && changes.statusLine().equals(s.get("statusLine"))) {
            if (changes.previousStatusLine() != null) {
                s.set("statusLine", changes.previousStatusLine());
                said.add("put back the earlier status line");
            } else {
                s.remove("statusLine");
                said.add("remove the status line");
            }
        }
        for (String path : CONTAINERS_INNER_FIRST) {
            if (changes.createdContainers().contains(path)) {
                removeIfEmpty(s, path);
            }
        }
        return new Outcome(s, said, changes);
    }

    private static int findHook(ArrayNode postToolUse) {
        for (int i = 0; i < postToolUse.size(); i++) {
            JsonNode hooks = postToolUse.get(i).get("hooks");
            if (hooks != null && hooks.isArray()) {
                for (JsonNode h : hooks) {
                    if (h.path("command").asText("").contains(HOOK_MARK)) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static void removeIfEmpty(ObjectNode root, String dotted) {
        String[] parts = dotted.split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            if (!(parent.get(parts[i]) instanceof ObjectNode next)) {
                return;
            }
            parent = next;
        }
        JsonNode leaf = parent.get(parts[parts.length - 1]);
        if (leaf != null && leaf.isContainerNode() && leaf.isEmpty()) {
            parent.remove(parts[parts.length - 1]);
        }
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode object(ObjectNode parent, String field, List<String> created, String path) {
        JsonNode n = parent.get(field);
        if (n instanceof ObjectNode o) {
            return o;
        }
        if (n != null) {
            throw new IllegalStateException("settings.json: \"" + path + "\" is not a JSON object; fix it by hand first");
        }
        created.add(path);
        return parent.putObject(field);
    }

    private static ArrayNode array(ObjectNode parent, String field, List<String> created, String path) {
        JsonNode n = parent.get(field);
        if (n instanceof ArrayNode a) {
            return a;
        }
        if (n != null) {
            throw new IllegalStateException("settings.json: \"" + path + "\" is not a JSON array; fix it by hand first");
        }
        created.add(path);
        return parent.putArray(field);
    }
}
