package dev.fleet.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The Claude Code hook that runs after every {@code register_member}: it stops Claude once and
 * hands it an onboarding checklist, so a new member is set up before work is sent to it, with or
 * without fleet's skill loaded. A failed registration gets no checklist.
 */
public final class PostRegisterHook {
    static final String REASON = "A new fleet member was just registered. Onboard it before sending it any work.";
    static final String CHECKLIST = String.join("\n",
            "Onboarding checklist for the member just registered (fleet skill: onboarding.md):",
            "1. Password member? Run setup_ssh_key so it moves to a key and the password is deleted.",
            "2. Run member_detail: it must be online, with the agent CLI found and logged in.",
            "   Not logged in: provision_auth (copies this machine's login, or takes an api_key).",
            "3. Find how its code is hosted: execute_command with command=\"git remote -v\" in its work folder.",
            "4. If it must fetch or push: give it scoped git credentials (provision_vcs_auth) for only the repos it needs.",
            "5. Keep commits and pull requests free of agent attribution: write {\"attribution\":{\"commit\":\"\",\"pr\":\"\"}}",
            "   into .claude/settings.json of its work folder (send_files, or execute_command).",
            "6. Ask the user which role it takes (doer, reviewer, tester, devops) and note its icon with the role.",
            "7. Before its first sprint, give it the permissions its role needs (compose_permissions).");

    private PostRegisterHook() {
    }

    /** The hook's answer to Claude Code for the event JSON on stdin; empty when there is nothing to say. */
    public static String answer(String eventJson) {
        if (registrationFailed(eventJson)) {
            return "";
        }
        ObjectNode out = JsonFiles.MAPPER.createObjectNode();
        out.put("decision", "block");
        out.put("reason", REASON);
        ObjectNode specific = out.putObject("hookSpecificOutput");
        specific.put("hookEventName", "PostToolUse");
        specific.put("additionalContext", CHECKLIST);
        return out.toString();
    }

    /** The tool's answer, as Claude Code passes it on: fleet's failures start with ❌ or are marked as errors. */
    private static boolean registrationFailed(String eventJson) {
        if (eventJson == null || eventJson.isBlank()) {
            return false;
        }
        JsonNode event;
        try {
            event = JsonFiles.MAPPER.readTree(eventJson);
        } catch (IOException e) {
            return false;
        }
        JsonNode response = event.path("tool_response");
        if (response.path("isError").asBoolean(false)) {
            return true;
        }
        String text = response.isTextual() ? response.asText() : firstText(response);
        String t = text.strip();
        return t.startsWith("❌") || t.startsWith("Invalid input");
    }

    private static String firstText(JsonNode response) {
        JsonNode content = response.isArray() ? response : response.path("content");
        for (JsonNode c : content) {
            if (c.path("text").isTextual()) {
                return c.get("text").asText();
            }
        }
        return "";
    }
}
