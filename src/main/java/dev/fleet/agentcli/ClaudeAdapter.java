package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleet.os.AgentShell;
import dev.fleet.os.PromptLaunch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claude Code: {@code claude -p --output-format json} with the prompt on stdin. It prints one
 * result object (older versions), a JSON array of events or one event per line (2.1.113+); the
 * {@code type:"result"} event carries the answer, session id, usage, per-model usage and, on
 * API failures, {@code api_error_status}.
 */
public final class ClaudeAdapter implements ProviderAdapter {
    static final ClaudeAdapter INSTANCE = new ClaudeAdapter();

    /** The stderr line of an API failure before any result exists: {@code API Error: 529 {"type":"error",...}}. */
    private static final Pattern API_ERROR = Pattern.compile("(?m)^API Error: (\\d{3})\\s*(\\{.*\\})?");

    private ClaudeAdapter() {
    }

    @Override
    public LlmProvider provider() {
        return LlmProvider.CLAUDE;
    }

    @Override
    public String executable() {
        return "claude";
    }

    @Override
    public String displayName() {
        return "Claude Code";
    }

    @Override
    public PromptLaunch.Input promptInput() {
        return PromptLaunch.Input.STDIN;
    }

    @Override
    public List<String> promptArgs(Invocation inv) {
        List<String> a = new ArrayList<>(List.of("-p", "--output-format", "json", "--max-turns", String.valueOf(inv.maxTurns())));
        if (inv.resumeSession() != null) {
            a.addAll(List.of("--resume", inv.resumeSession()));
        }
        if (inv.model() != null) {
            a.addAll(List.of("--model", inv.model()));
        }
        a.addAll(switch (inv.mode()) {
            // Headless Claude without a mode cannot create files; acceptEdits allows edits in the work folder only.
            case OFF -> List.of("--permission-mode", "acceptEdits");
            case AUTO -> List.of("--permission-mode", "auto");
            case DANGEROUS -> List.of("--dangerously-skip-permissions");
        });
        return a;
    }

    @Override
    public AgentReply parse(CliOutput out) {
        List<JsonNode> events = JsonLines.objects(out.stdout());
        JsonNode result = null;
        String session = null;
        String assistantText = null;
        boolean maxTurns = false;
        for (JsonNode e : events) {
            String type = JsonLines.text(e, "type");
            if (JsonLines.text(e, "session_id") != null) {
                session = JsonLines.text(e, "session_id");
            }
            if ("result".equals(type) || (type == null && e.has("result"))) {
                result = e;
            }
            if ("assistant".equals(type)) {
                String t = assistantText(e);
                if (!t.isBlank()) {
                    assistantText = t;
                }
            }
            // The max-turns signal has moved between fields across versions; any of them counts.
            maxTurns |= "error_max_turns".equals(JsonLines.text(e, "subtype")) || "max_turns".equals(JsonLines.text(e, "terminal_reason"))
                    || "max_turns_reached".equals(type);
        }
        if (result == null) {
            return noResult(out, session);
        }
        String text = JsonLines.text(result, "result");
        String answer = text == null || text.isBlank() ? assistantText : text;
        JsonNode usage = result.path("usage");
        Long in = usage.has("input_tokens") ? usage.path("input_tokens").asLong() + usage.path("cache_read_input_tokens").asLong(0)
                + usage.path("cache_creation_input_tokens").asLong(0) : null;
        Long outTokens = JsonLines.number(usage, "output_tokens");
        List<AgentReply.ModelUsage> perModel = new ArrayList<>();
        result.path("modelUsage").fields().forEachRemaining(m -> perModel.add(new AgentReply.ModelUsage(m.getKey(),
                m.getValue().path("inputTokens").asLong(0) + m.getValue().path("cacheReadInputTokens").asLong(0)
                        + m.getValue().path("cacheCreationInputTokens").asLong(0),
                m.getValue().path("outputTokens").asLong(0))));
        Integer turns = result.has("num_turns") ? result.get("num_turns").asInt() : null;
        Double cost = result.has("total_cost_usd") ? Double.valueOf(result.get("total_cost_usd").asDouble())
                : result.has("cost_usd") ? Double.valueOf(result.get("cost_usd").asDouble()) : null;
        Failure failure = null;
        boolean isError = result.path("is_error").asBoolean(false) || String.valueOf(JsonLines.text(result, "subtype")).startsWith("error");
        if (maxTurns) {
            failure = Failure.of(FailureClass.MAX_TURNS, text == null || text.isBlank() ? "the agent reached max_turns" : text);
        } else if (isError || !out.exitedCleanly()) {
            String said = errorText(result);
            String detail = said.isEmpty() ? out.rawDetail() : said;
            // An error result's text is Claude Code's own message; a clean-looking result that exited
            // badly holds the agent's answer, so only stderr speaks for the failure then.
            String own = isError && !said.isEmpty() ? said : out.ownWords();
            FailureClass kind = HttpStatus.classify(JsonLines.number(result, "api_error_status")).orElseGet(() -> classify(own));
            failure = Failure.of(kind, detail);
        } else if (answer == null) {
            answer = "";
        }
        return new AgentReply(failure == null ? answer : answer == null ? "" : answer, session, in, outTokens, perModel, turns, cost,
                null, failure, false);
    }

    private static String assistantText(JsonNode assistant) {
        StringBuilder t = new StringBuilder();
        for (JsonNode block : assistant.path("message").path("content")) {
            if ("text".equals(JsonLines.text(block, "type"))) {
                t.append(t.isEmpty() ? "" : "\n").append(block.path("text").asText(""));
            }
        }
        return t.toString();
    }

    /** The error result's own text and errors; empty when it has none. */
    private static String errorText(JsonNode result) {
        StringBuilder t = new StringBuilder();
        if (JsonLines.text(result, "result") != null) {
            t.append(JsonLines.text(result, "result"));
        }
        for (JsonNode e : result.path("errors")) {
            t.append(t.isEmpty() ? "" : "\n").append(e.isTextual() ? e.asText() : e.toString());
        }
        return t.toString();
    }

    /** No result event: the CLI failed before answering. Its stderr is Claude Code's own error line. */
    private static AgentReply noResult(CliOutput out, String session) {
        String detail = out.rawDetail();
        String own = out.ownWords();
        if (own.contains("No conversation found with session ID")) {
            return new AgentReply(null, null, null, null, null, null, null, null, Failure.of(FailureClass.OTHER, detail), true);
        }
        Matcher api = API_ERROR.matcher(own);
        FailureClass kind = null;
        if (api.find()) {
            kind = errorType(api.group(2)).orElseGet(() -> HttpStatus.classify(Long.parseLong(api.group(1))).orElse(null));
        }
        return new AgentReply(null, session, null, null, null, null, null, null,
                Failure.of(kind != null ? kind : classify(own), detail), false);
    }

    /** The Anthropic API error object's {@code error.type}. */
    private static Optional<FailureClass> errorType(String json) {
        if (json == null) {
            return Optional.empty();
        }
        List<JsonNode> parsed = JsonLines.objects(json);
        String type = parsed.isEmpty() ? null : JsonLines.text(parsed.get(0).path("error"), "type");
        if (type == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (type) {
            case "authentication_error", "permission_error" -> FailureClass.AUTH;
            case "rate_limit_error" -> FailureClass.USAGE_LIMIT;
            case "overloaded_error" -> FailureClass.OVERLOADED;
            case "api_error" -> FailureClass.SERVER;
            default -> null;
        });
    }

    /** Claude Code's own failure messages (the result text or its error line), never numbers in arbitrary output. */
    static FailureClass classify(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("invalid api key") || m.contains("/login") || m.contains("not logged in") || m.contains("oauth token has expired")
                || m.contains("authentication_error") || m.contains("invalid bearer token")) {
            return FailureClass.AUTH;
        }
        // Plan limits: "You've hit your session limit · resets 3pm", "…weekly limit", "…Opus limit"; older: "usage limit reached|<epoch>".
        if ((m.contains("hit your") && m.contains("limit")) || m.contains("usage limit reached") || m.contains("limit reached|")
                || m.contains("credit balance is too low") || m.contains("rate_limit_error")) {
            return FailureClass.USAGE_LIMIT;
        }
        if (m.contains("overloaded")) {
            return FailureClass.OVERLOADED;
        }
        if (m.contains("api error: 5") || m.contains("internal server error") || m.contains("connection error")) {
            return FailureClass.SERVER;
        }
        return FailureClass.OTHER;
    }

    @Override
    public boolean supportsMaxTurns() {
        return true;
    }

    @Override
    public Map<ModelTier, String> defaultTiers() {
        // Bare aliases: dated model ids go stale when a new generation ships.
        return Map.of(ModelTier.CHEAP, "haiku", ModelTier.STANDARD, "sonnet", ModelTier.PREMIUM, "opus");
    }

    @Override
    public List<PromptLaunch.WatchedFolder> transcripts() {
        // ~/.claude/projects/<folder>/<session>.jsonl, sub-agent transcripts one level deeper.
        return List.of(new PromptLaunch.WatchedFolder(".claude/projects", 3));
    }

    @Override
    public AgentShell.Installer installer() {
        return new AgentShell.Installer("@anthropic-ai/claude-code", "https://claude.ai/install.sh", "https://claude.ai/install.ps1");
    }

    @Override
    public Optional<List<String>> selfUpdateArgs() {
        return Optional.of(List.of("update"));
    }

    @Override
    public String installHint() {
        return "npm install -g @anthropic-ai/claude-code, or curl -fsSL https://claude.ai/install.sh | bash";
    }

    @Override
    public List<String> keyVariables() {
        return List.of("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN");
    }

    @Override
    public Optional<String> keyVariableFor(String key) {
        // `claude setup-token` makes long-lived OAuth tokens; they go in their own variable.
        return Optional.of(key.startsWith("sk-ant-oat") ? "CLAUDE_CODE_OAUTH_TOKEN" : "ANTHROPIC_API_KEY");
    }

    @Override
    public List<AgentShell.HomeFile> loginFiles() {
        // The marker name predates other providers; members provisioned earlier carry it.
        return List.of(new AgentShell.HomeFile(".claude/.credentials.json", ".claude/.fleet-provisioned"));
    }

    @Override
    public String authHelp(String member) {
        return "Log in on this machine (run `claude`, then /login), then run provision_auth for " + member
                + " to copy the login; or run provision_auth for " + member + " with api_key (an Anthropic API key, or a "
                + "`claude setup-token` token).";
    }

    @Override
    public PermissionFile permissionFile() {
        return new PermissionFile(".claude/settings.local.json", "json", "{\"permissions\": {\"allow\": [\"Bash(npm test:*)\", …], \"deny\": […]}}");
    }
}
