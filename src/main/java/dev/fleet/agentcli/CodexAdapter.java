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
 * OpenAI Codex CLI: {@code codex exec --json … -} reads the prompt on stdin and prints one event
 * per line: {@code thread.started} (the thread id, which {@code codex exec resume <id>} continues),
 * {@code item.*} events whose {@code agent_message} items carry the answer, {@code turn.completed}
 * with usage, and {@code turn.failed} / {@code error} with a message.
 */
public final class CodexAdapter implements ProviderAdapter {
    static final CodexAdapter INSTANCE = new CodexAdapter();

    /** Codex words HTTP failures as "unexpected status 401 Unauthorized: …" or "exceeded retry limit, last status: 429 …". */
    private static final Pattern STATUS = Pattern.compile("(?:unexpected status|last status:)\\s*(\\d{3})");

    private CodexAdapter() {
    }

    @Override
    public LlmProvider provider() {
        return LlmProvider.CODEX;
    }

    @Override
    public String executable() {
        return "codex";
    }

    @Override
    public String displayName() {
        return "Codex CLI";
    }

    @Override
    public PromptLaunch.Input promptInput() {
        return PromptLaunch.Input.STDIN;
    }

    @Override
    public List<String> promptArgs(Invocation inv) {
        List<String> a = new ArrayList<>();
        if (inv.mode() == UnattendedMode.AUTO) {
            // A config override is a top-level option: it goes before the subcommand.
            a.addAll(List.of("-c", "sandbox_workspace_write.network_access=true"));
        }
        // Codex refuses to run outside a git repository unless told; a work folder need not be one.
        a.addAll(List.of("exec", "--json", "--skip-git-repo-check"));
        a.addAll(switch (inv.mode()) {
            // Exec mode never asks; the sandbox decides: edits in the work folder, commands sandboxed (no network).
            case OFF, AUTO -> List.of("--sandbox", "workspace-write");
            case DANGEROUS -> List.of("--dangerously-bypass-approvals-and-sandbox");
        });
        if (inv.model() != null) {
            a.addAll(List.of("--model", inv.model()));
        }
        if (inv.resumeSession() != null) {
            a.addAll(List.of("resume", inv.resumeSession()));
        }
        a.add("-"); // the prompt is on stdin
        return a;
    }

    @Override
    public AgentReply parse(CliOutput out) {
        String thread = null;
        String answer = null;
        Long in = null;
        Long outTokens = null;
        int turns = 0;
        String error = null;
        boolean turnFailed = false;
        for (JsonNode e : JsonLines.objects(out.stdout())) {
            String type = String.valueOf(JsonLines.text(e, "type"));
            switch (type) {
                case "thread.started" -> thread = JsonLines.text(e, "thread_id");
                case "item.completed" -> {
                    JsonNode item = e.path("item");
                    if ("agent_message".equals(JsonLines.text(item, "type"))) {
                        answer = item.path("text").asText("");
                    }
                }
                case "turn.completed" -> {
                    turns++;
                    JsonNode u = e.path("usage");
                    in = JsonLines.sum(in, u.path("input_tokens").asLong(0));
                    outTokens = JsonLines.sum(outTokens, u.path("output_tokens").asLong(0));
                }
                case "turn.failed" -> {
                    turnFailed = true;
                    error = e.path("error").path("message").asText(error);
                }
                case "error" -> error = e.path("message").asText(error);
                default -> {
                    // Reasoning, commands, file changes, plans: progress, not the answer.
                }
            }
        }
        Failure failure = null;
        if (turnFailed || !out.exitedCleanly() || (answer == null && error != null)) {
            // Without an error event, Codex's own stderr line says what went wrong (it fails before any event).
            String detail = error != null ? error : out.rawDetail();
            failure = Failure.of(classify(error != null ? error : out.ownWords()), detail);
        }
        String raw = out.ownWords().toLowerCase(Locale.ROOT);
        boolean notFound = failure != null && (raw.contains("no saved session found") || raw.contains("no rollout found"));
        return new AgentReply(answer == null && failure == null ? "" : answer, thread, in, outTokens, null,
                turns == 0 ? null : turns, null, null, failure, notFound);
    }

    /** Codex's own error messages (from its error events), read by wording and the status it quotes. */
    static FailureClass classify(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("not inside a trusted directory")) {
            return FailureClass.WORKSPACE_NOT_TRUSTED;
        }
        if (m.contains("usage limit") || m.contains("quota exceeded") || m.contains("upgrade to plus") || m.contains("purchase more credits")) {
            return FailureClass.USAGE_LIMIT;
        }
        Matcher status = STATUS.matcher(m);
        if (status.find()) {
            Optional<FailureClass> byStatus = HttpStatus.classify(Long.parseLong(status.group(1)));
            if (byStatus.isPresent()) {
                return byStatus.get();
            }
        }
        if (m.contains("not logged in") || m.contains("refresh token") || m.contains("access token could not be refreshed")
                || m.contains("missing environment variable") || m.contains("api key") || m.contains("please log in")) {
            return FailureClass.AUTH;
        }
        if (m.contains("high demand") || m.contains("overloaded")) {
            return FailureClass.OVERLOADED;
        }
        if (m.contains("stream disconnected") || m.contains("connection failed") || m.contains("error sending request")
                || m.contains("reading the server response") || m.contains("internal server error")) {
            return FailureClass.SERVER;
        }
        return FailureClass.OTHER;
    }

    @Override
    public Map<ModelTier, String> defaultTiers() {
        return Map.of(ModelTier.CHEAP, "gpt-5.4-mini", ModelTier.STANDARD, "gpt-5.4", ModelTier.PREMIUM, "gpt-5.4");
    }

    @Override
    public List<PromptLaunch.WatchedFolder> transcripts() {
        // ~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl
        return List.of(new PromptLaunch.WatchedFolder(".codex/sessions", 4));
    }

    @Override
    public AgentShell.Installer installer() {
        return new AgentShell.Installer("@openai/codex", null, null);
    }

    @Override
    public Optional<List<String>> selfUpdateArgs() {
        return Optional.empty();
    }

    @Override
    public String installHint() {
        return "npm install -g @openai/codex (macOS: brew install --cask codex)";
    }

    @Override
    public List<String> keyVariables() {
        return List.of("CODEX_API_KEY", "OPENAI_API_KEY");
    }

    @Override
    public Optional<String> keyVariableFor(String key) {
        // codex exec reads CODEX_API_KEY ahead of a stored login; OPENAI_API_KEY comes after one.
        return Optional.of("CODEX_API_KEY");
    }

    @Override
    public List<AgentShell.HomeFile> loginFiles() {
        // Codex documents copying auth.json to a headless machine.
        return List.of(AgentShell.HomeFile.of(".codex/auth.json"));
    }

    @Override
    public String authHelp(String member) {
        return "Run provision_auth for " + member + " with api_key (an OpenAI API key, used as CODEX_API_KEY); or log in on "
                + "this machine with `codex login` and run provision_auth for " + member + " to copy ~/.codex/auth.json.";
    }

    @Override
    public PermissionFile permissionFile() {
        return new PermissionFile(".codex/config.toml", "toml",
                "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nnetwork_access = false");
    }
}
