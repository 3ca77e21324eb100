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
 * OpenCode: {@code opencode run --format json} takes piped stdin as the message and prints one
 * event per line, each with a top-level {@code sessionID}: {@code text} parts (the answer),
 * {@code step_finish} parts with {@code tokens} and {@code cost}, {@code tool_use},
 * {@code reasoning}, {@code error} (a named error with {@code data.message}), and finally
 * {@code done}. It exits 1 when the session reported an error.
 */
public final class OpenCodeAdapter implements ProviderAdapter {
    static final OpenCodeAdapter INSTANCE = new OpenCodeAdapter();

    private OpenCodeAdapter() {
    }

    @Override
    public LlmProvider provider() {
        return LlmProvider.OPENCODE;
    }

    @Override
    public String executable() {
        return "opencode";
    }

    @Override
    public String displayName() {
        return "OpenCode";
    }

    @Override
    public PromptLaunch.Input promptInput() {
        // The message is piped: `--prompt` opens the interactive UI, and argv must not carry it.
        return PromptLaunch.Input.STDIN;
    }

    @Override
    public List<String> promptArgs(Invocation inv) {
        List<String> a = new ArrayList<>(List.of("run", "--format", "json"));
        if (inv.resumeSession() != null) {
            a.addAll(List.of("--session", inv.resumeSession()));
        }
        if (inv.model() != null) {
            a.addAll(List.of("--model", inv.model()));
        }
        if (inv.mode() != UnattendedMode.OFF) {
            // OpenCode has one switch: approve whatever its permission config does not deny. Without it,
            // a run rejects every permission request its config leaves at "ask".
            a.add("--auto");
        }
        return a;
    }

    @Override
    public AgentReply parse(CliOutput out) {
        String session = null;
        String lastMessage = null;
        StringBuilder answer = null;
        Long in = null;
        Long outTokens = null;
        Double cost = null;
        int steps = 0;
        JsonNode error = null;
        for (JsonNode e : JsonLines.objects(out.stdout())) {
            if (session == null && JsonLines.text(e, "sessionID") != null) {
                session = JsonLines.text(e, "sessionID");
            }
            JsonNode part = e.path("part");
            switch (String.valueOf(JsonLines.text(e, "type"))) {
                case "text" -> {
                    // Earlier messages narrate the work; the answer is the text of the last message.
                    String message = JsonLines.text(part, "messageID");
                    if (answer == null || message == null || !message.equals(lastMessage)) {
                        answer = new StringBuilder();
                    }
                    lastMessage = message;
                    answer.append(answer.isEmpty() ? "" : "\n\n").append(part.path("text").asText(""));
                }
                case "step_finish" -> {
                    steps++;
                    JsonNode t = part.path("tokens");
                    in = JsonLines.sum(in, t.path("input").asLong(0) + t.path("cache").path("read").asLong(0)
                            + t.path("cache").path("write").asLong(0));
                    outTokens = JsonLines.sum(outTokens, t.path("output").asLong(0) + t.path("reasoning").asLong(0));
                    if (part.has("cost")) {
                        cost = (cost == null ? 0 : cost) + part.get("cost").asDouble();
                    }
                }
                case "error" -> error = e.path("error");
                default -> {
                    // step_start, tool_use, reasoning, done: progress.
                }
            }
        }
        Failure failure = null;
        boolean notFound = false;
        if (error != null || !out.exitedCleanly()) {
            if (error != null) {
                String message = error.path("data").path("message").asText(JsonLines.text(error, "name"));
                failure = Failure.of(classify(error), message == null ? out.rawDetail() : message);
            } else {
                notFound = out.stderr().contains("Session not found");
                failure = Failure.of(FailureClass.OTHER, out.rawDetail());
            }
        }
        return new AgentReply(answer == null ? (failure == null ? "" : null) : answer.toString(), session, in, outTokens, null,
                steps == 0 ? null : steps, cost, null, failure, notFound);
    }

    /** OpenCode's named errors: ProviderAuthError, APIError (with the provider's status), UnknownError, … */
    static FailureClass classify(JsonNode error) {
        String name = String.valueOf(JsonLines.text(error, "name"));
        JsonNode data = error.path("data");
        if (name.equals("ProviderAuthError")) {
            return FailureClass.AUTH;
        }
        Optional<FailureClass> byStatus = HttpStatus.classify(JsonLines.number(data, "statusCode"));
        if (byStatus.isPresent()) {
            return byStatus.get();
        }
        String m = data.path("message").asText("").toLowerCase(Locale.ROOT);
        if (m.contains("rate limit") || m.contains("quota") || m.contains("insufficient credits")) {
            return FailureClass.USAGE_LIMIT;
        }
        if (m.contains("overloaded")) {
            return FailureClass.OVERLOADED;
        }
        if (m.contains("api key") || m.contains("unauthorized")) {
            return FailureClass.AUTH;
        }
        if (m.contains("econnrefused") || m.contains("connection refused") || m.contains("unable to connect") || m.contains("timed out")) {
            return FailureClass.SERVER;
        }
        return FailureClass.OTHER;
    }

    @Override
    public Map<ModelTier, String> defaultTiers() {
        // Free models of OpenCode's own provider; members usually set their own (model_tiers).
        return Map.of(ModelTier.CHEAP, "opencode/north-mini-code-free", ModelTier.STANDARD, "opencode/deepseek-v4-flash-free",
                ModelTier.PREMIUM, "opencode/nemotron-3-ultra-free");
    }

    @Override
    public List<PromptLaunch.WatchedFolder> transcripts() {
        // Sessions, messages and parts (files or its database) live under ~/.local/share/opencode.
        return List.of(new PromptLaunch.WatchedFolder(".local/share/opencode", 5));
    }

    @Override
    public AgentShell.Installer installer() {
        return new AgentShell.Installer("opencode-ai", "https://opencode.ai/install", null);
    }

    @Override
    public Optional<List<String>> selfUpdateArgs() {
        return Optional.of(List.of("upgrade"));
    }

    @Override
    public String installHint() {
        return "curl -fsSL https://opencode.ai/install | bash, or npm install -g opencode-ai";
    }

    @Override
    public List<String> keyVariables() {
        return List.of();
    }

    @Override
    public Optional<String> keyVariableFor(String key) {
        // OpenCode's keys belong to its model providers and live in its own auth store.
        return Optional.empty();
    }

    @Override
    public List<AgentShell.HomeFile> loginFiles() {
        return List.of(AgentShell.HomeFile.of(".local/share/opencode/auth.json"));
    }

    @Override
    public String authHelp(String member) {
        return "OpenCode keeps the logins of its model providers itself: run `opencode auth login` on " + member
                + ", or log in on this machine and run provision_auth for " + member
                + " to copy ~/.local/share/opencode/auth.json; check that the model's provider is configured in opencode.json.";
    }

    @Override
    public PermissionFile permissionFile() {
        return new PermissionFile("opencode.json", "json", "{\"permission\": {\"edit\": \"allow\", \"bash\": {\"npm test\": \"allow\", \"*\": \"deny\"}}}");
    }
}
