package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleet.os.AgentShell;
import dev.fleet.os.PromptLaunch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * GitHub Copilot CLI: a prompt piped to {@code copilot} runs headless; {@code --output-format=json}
 * prints session events as JSON lines: {@code session.start} (the session id),
 * {@code assistant.message} ({@code data.content}; sub-agents carry {@code agentId}),
 * {@code assistant.usage} (tokens per model call), {@code session.error} ({@code errorType},
 * {@code statusCode}, {@code message}) and a closing {@code result} with {@code sessionId},
 * {@code exitCode} and premium-request usage.
 */
public final class CopilotAdapter implements ProviderAdapter {
    static final CopilotAdapter INSTANCE = new CopilotAdapter();

    private CopilotAdapter() {
    }

    @Override
    public LlmProvider provider() {
        return LlmProvider.COPILOT;
    }

    @Override
    public String executable() {
        return "copilot";
    }

    @Override
    public String displayName() {
        return "Copilot CLI";
    }

    @Override
    public PromptLaunch.Input promptInput() {
        // Copilot reads a piped prompt when -p is absent (and ignores stdin when -p is given).
        return PromptLaunch.Input.STDIN;
    }

    @Override
    public List<String> promptArgs(Invocation inv) {
        List<String> a = new ArrayList<>(List.of("--output-format=json", "--no-ask-user"));
        a.add(switch (inv.mode()) {
            case OFF -> "--allow-tool=write";
            case AUTO -> "--allow-all-tools";
            case DANGEROUS -> "--allow-all";
        });
        if (inv.resumeSession() != null) {
            a.add("--resume=" + inv.resumeSession());
        }
        if (inv.model() != null) {
            a.add("--model=" + inv.model());
        }
        return a;
    }

    @Override
    public AgentReply parse(CliOutput out) {
        String session = null;
        String answer = null;
        Map<String, long[]> perModel = new LinkedHashMap<>();
        Set<String> seenUsage = new HashSet<>();
        Long in = null;
        Long outTokens = null;
        Long exitCode = null;
        JsonNode error = null;
        String premium = null;
        for (JsonNode e : JsonLines.objects(out.stdout())) {
            String type = String.valueOf(JsonLines.text(e, "type"));
            JsonNode data = e.path("data");
            switch (type) {
                case "session.start" -> session = JsonLines.text(data, "sessionId") != null ? JsonLines.text(data, "sessionId") : session;
                case "assistant.message" -> {
                    String content = data.path("content").asText("");
                    if (!e.has("agentId") && !content.isBlank()) {
                        answer = content;
                    }
                }
                case "assistant.usage" -> {
                    // Usage events can repeat (ephemeral copies); each id counts once.
                    String id = JsonLines.text(e, "id");
                    if (id == null || seenUsage.add(id)) {
                        long i = data.path("inputTokens").asLong(0);
                        long o = data.path("outputTokens").asLong(0);
                        in = JsonLines.sum(in, i);
                        outTokens = JsonLines.sum(outTokens, o);
                        String model = JsonLines.text(data, "model");
                        if (model != null) {
                            long[] t = perModel.computeIfAbsent(model, k -> new long[2]);
                            t[0] += i;
                            t[1] += o;
                        }
                    }
                }
                case "session.error" -> error = data;
                case "result" -> {
                    session = JsonLines.text(e, "sessionId") != null ? JsonLines.text(e, "sessionId") : session;
                    exitCode = JsonLines.number(e, "exitCode");
                    Long requests = JsonLines.number(e.path("usage"), "premiumRequests");
                    if (requests != null) {
                        premium = requests + " premium request" + (requests == 1 ? "" : "s");
                    }
                }
                default -> {
                    // Deltas, tool executions, turn markers: progress.
                }
            }
        }
        List<AgentReply.ModelUsage> usage = new ArrayList<>();
        perModel.forEach((m, t) -> usage.add(new AgentReply.ModelUsage(m, t[0], t[1])));
        // A session.error can be a retried hiccup; it fails the run only if the run failed.
        boolean failed = !out.exitedCleanly() || (exitCode != null && exitCode != 0) || answer == null;
        Failure failure = null;
        if (failed) {
            failure = error != null ? Failure.of(classify(error), error.path("message").asText(out.rawDetail()))
                    : Failure.of(out.exitedCleanly() && exitCode == null && out.stdout().isBlank() ? FailureClass.OTHER
                            : classifyText(out.ownWords()), out.rawDetail());
        }
        return new AgentReply(answer, session, in, outTokens, usage, null, null, premium, failure, false);
    }

    static FailureClass classify(JsonNode error) {
        String type = String.valueOf(JsonLines.text(error, "errorType")).toLowerCase(Locale.ROOT);
        switch (type) {
            case "authentication", "authorization" -> {
                return FailureClass.AUTH;
            }
            case "quota", "rate_limit" -> {
                return FailureClass.USAGE_LIMIT;
            }
            default -> {
                // Read the status, then the words.
            }
        }
        return HttpStatus.classify(JsonLines.number(error, "statusCode")).orElseGet(() -> classifyText(error.path("message").asText("")));
    }

    /** Copilot's words when it printed no structured error (for example, no login at all). */
    private static FailureClass classifyText(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("no authentication") || m.contains("not logged in") || m.contains("copilot login") || m.contains("token expired")) {
            return FailureClass.AUTH;
        }
        if (m.contains("exceeded your") || m.contains("quota") || m.contains("rate limit")) {
            return FailureClass.USAGE_LIMIT;
        }
        return FailureClass.OTHER;
    }

    @Override
    public Map<ModelTier, String> defaultTiers() {
        return Map.of(ModelTier.CHEAP, "claude-haiku-4.5", ModelTier.STANDARD, "claude-sonnet-4.6", ModelTier.PREMIUM, "claude-opus-4.6");
    }

    @Override
    public List<PromptLaunch.WatchedFolder> transcripts() {
        // ~/.copilot/session-state/<session>/events.jsonl
        return List.of(new PromptLaunch.WatchedFolder(".copilot/session-state", 2));
    }

    @Override
    public AgentShell.Installer installer() {
        return new AgentShell.Installer("@github/copilot", "https://gh.io/copilot-install", null);
    }

    @Override
    public Optional<List<String>> selfUpdateArgs() {
        return Optional.of(List.of("update"));
    }

    @Override
    public String installHint() {
        return "npm install -g @github/copilot, or curl -fsSL https://gh.io/copilot-install | bash (needs a Copilot plan)";
    }

    @Override
    public List<String> keyVariables() {
        return List.of("COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN");
    }

    @Override
    public Optional<String> keyVariableFor(String key) {
        return Optional.of("COPILOT_GITHUB_TOKEN");
    }

    @Override
    public List<AgentShell.HomeFile> loginFiles() {
        // Copilot keeps its login in the system credential store: nothing to copy.
        return List.of();
    }

    @Override
    public boolean cheapToVerify() {
        return false;
    }

    @Override
    public String authHelp(String member) {
        return "Run provision_auth for " + member + " with api_key: a fine-grained GitHub token with the \"Copilot Requests\" "
                + "permission (used as COPILOT_GITHUB_TOKEN; classic ghp_ tokens are not accepted). The account needs a Copilot plan.";
    }

    @Override
    public PermissionFile permissionFile() {
        return new PermissionFile(".github/copilot/settings.local.json", "json",
                "{\"allow-all-tools\": false, \"tools\": {\"allow\": [\"write\", \"shell(npm test)\"], \"deny\": [\"shell(git push)\"]}}");
    }
}
