package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleet.os.AgentShell;
import dev.fleet.os.PromptLaunch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Google Antigravity CLI ({@code agy}): {@code agy -p <instruction> --output-format json}. The
 * instruction only names a prompt file in the work folder (fleet does not rely on agy reading
 * stdin). It prints one JSON envelope: {@code conversation_id}, {@code status}
 * ({@code SUCCESS}/{@code ERROR}), {@code response} or {@code error}, and {@code usage}.
 */
public final class AgyAdapter implements ProviderAdapter {
    static final AgyAdapter INSTANCE = new AgyAdapter();

    private AgyAdapter() {
    }

    @Override
    public LlmProvider provider() {
        return LlmProvider.AGY;
    }

    @Override
    public String executable() {
        return "agy";
    }

    @Override
    public String displayName() {
        return "Antigravity CLI";
    }

    @Override
    public PromptLaunch.Input promptInput() {
        return PromptLaunch.Input.FILE_IN_FOLDER;
    }

    @Override
    public List<String> promptArgs(Invocation inv) {
        List<String> a = new ArrayList<>(List.of("-p", "Your task is written in the file " + inv.promptFileName()
                + " in the current folder. Read that whole file first, then do what it says.", "--output-format", "json"));
        if (inv.resumeSession() != null) {
            a.addAll(List.of("--conversation", inv.resumeSession()));
        }
        if (inv.model() != null) {
            a.addAll(List.of("--model", inv.model()));
        }
        a.addAll(switch (inv.mode()) {
            // agy has no classifier mode: auto must not quietly become a full bypass.
            case OFF, AUTO -> List.of("--mode", "accept-edits");
            case DANGEROUS -> List.of("--dangerously-skip-permissions");
        });
        return a;
    }

    @Override
    public AgentReply parse(CliOutput out) {
        JsonNode envelope = null;
        for (JsonNode e : JsonLines.objects(out.stdout())) {
            if ((e.has("conversation_id") || e.has("status")) && (e.has("response") || e.has("error"))) {
                envelope = e;
            }
        }
        if (envelope == null) {
            return new AgentReply(null, null, null, null, null, null, null, null,
                    Failure.of(classify(out.ownWords()), out.rawDetail()), false);
        }
        String session = JsonLines.text(envelope, "conversation_id");
        JsonNode usage = envelope.path("usage");
        Long in = JsonLines.number(usage, "input_tokens");
        Long outTokens = JsonLines.number(usage, "output_tokens");
        String error = JsonLines.text(envelope, "error");
        boolean failed = "ERROR".equalsIgnoreCase(JsonLines.text(envelope, "status")) || !out.exitedCleanly();
        Failure failure = failed ? Failure.of(classify(error != null ? error : out.ownWords()), error != null ? error : out.rawDetail()) : null;
        String answer = JsonLines.text(envelope, "response");
        return new AgentReply(answer == null && failure == null ? "" : answer, session, in, outTokens, null, null, null, null, failure, false);
    }

    static FailureClass classify(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("workspace has not been trusted")) {
            return FailureClass.WORKSPACE_NOT_TRUSTED;
        }
        if (m.contains("unauthenticated") || m.contains("not logged in") || m.contains("antigravity_api_key") || m.contains("api key not valid")) {
            return FailureClass.AUTH;
        }
        if (m.contains("resource_exhausted") || m.contains("quota") || m.contains("rate limit")) {
            return FailureClass.USAGE_LIMIT;
        }
        if (m.contains("overloaded") || m.contains("unavailable")) {
            return FailureClass.OVERLOADED;
        }
        if (m.contains("internal error") || m.contains("deadline exceeded")) {
            return FailureClass.SERVER;
        }
        return FailureClass.OTHER;
    }

    @Override
    public Map<ModelTier, String> defaultTiers() {
        // agy takes display names, not ids.
        return Map.of(ModelTier.CHEAP, "Gemini 3.5 Flash (Medium)", ModelTier.STANDARD, "Gemini 3.1 Pro (Low)",
                ModelTier.PREMIUM, "Claude Opus 4.6 (Thinking)");
    }

    @Override
    public List<PromptLaunch.WatchedFolder> transcripts() {
        // ~/.gemini/antigravity-cli/brain/<conversation>/.system_generated/logs/transcript.jsonl
        return List.of(new PromptLaunch.WatchedFolder(".gemini/antigravity-cli/brain", 5));
    }

    @Override
    public AgentShell.Installer installer() {
        // Google's installer; the npm package named in older guides is stale.
        return new AgentShell.Installer(null, "https://antigravity.google/cli/install.sh", "https://antigravity.google/cli/install.ps1");
    }

    @Override
    public Optional<List<String>> selfUpdateArgs() {
        return Optional.of(List.of("update"));
    }

    @Override
    public String installHint() {
        return "curl -fsSL https://antigravity.google/cli/install.sh | bash";
    }

    @Override
    public List<String> keyVariables() {
        return List.of("ANTIGRAVITY_API_KEY");
    }

    @Override
    public Optional<String> keyVariableFor(String key) {
        return Optional.of("ANTIGRAVITY_API_KEY");
    }

    @Override
    public List<AgentShell.HomeFile> loginFiles() {
        return List.of(AgentShell.HomeFile.of(".gemini/oauth_creds.json"), AgentShell.HomeFile.of(".gemini/google_accounts.json"));
    }

    @Override
    public String authHelp(String member) {
        return "Run provision_auth for " + member + " with api_key (used as ANTIGRAVITY_API_KEY); or log in on this machine "
                + "with `agy` and run provision_auth for " + member + " to copy the Google login files (~/.gemini/oauth_creds.json).";
    }

    @Override
    public PermissionFile permissionFile() {
        return new PermissionFile(".gemini/antigravity-cli/settings.json", "json",
                "{\"permissions\": {\"allow\": [{\"action\": \"command\", \"target\": \"npm test\"}, {\"action\": \"write_file\", \"target\": \"*\"}]}}");
    }
}
