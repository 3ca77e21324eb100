package dev.fleet.tools;

import dev.fleet.agentcli.Failure;
import dev.fleet.agentcli.PromptRequest;
import dev.fleet.agentcli.PromptResult;
import dev.fleet.agentcli.PromptRunner;
import dev.fleet.agentcli.Prompts;
import dev.fleet.agentcli.ProviderAdapter;
import dev.fleet.agentcli.UnattendedMode;
import dev.fleet.member.Member;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** execute_prompt: runs the member's agent CLI with a prompt and returns its answer. */
public final class ExecutePrompt implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            Param.string("prompt", "The task or question for the member's agent.").length(1, 1_000_000).required(),
            Param.bool("resume", "Continue the member's stored session (default true); false starts a new conversation.")
                    .withDefault(true),
            Param.integer("timeout_ms", "Total time limit in milliseconds, retries included (default 1 hour); on expiry the "
                    + "agent and everything it started are ended.", 1000, 86_400_000).withDefault(3_600_000L),
            Param.integer("inactivity_timeout_ms", "End the prompt when the agent printed nothing and its session transcript "
                    + "did not change for this long (default 15 minutes; 0 = never). A long but active prompt is never ended "
                    + "by this.", 0, 86_400_000).withDefault(900_000L),
            Param.integer("max_turns", "Maximum agent turns (default " + PromptRequest.DEFAULT_MAX_TURNS + "), where the CLI has "
                    + "a turn limit (Claude Code).", 1, 500),
            Param.string("model", "A model tier (cheap, standard, premium: the member's model_tiers or the provider's defaults) "
                    + "or a model id, e.g. sonnet, gpt-5.4, anthropic/claude-sonnet-4-5. Default: the member's standard tier if it "
                    + "set one, else the CLI's default.").matching(RegistrationParams.MODEL_REGEX, "must be a tier (cheap, standard, premium) or a model name of "
                            + RegistrationParams.MODEL_CHARS),
            Param.oneOf("unattended", "What the agent may do without asking (nobody can answer during a prompt): false = read "
                    + "and edit files in the work folder; auto = the CLI's automatic mode (broader, with its safety checks); "
                    + "dangerous = everything, for sandboxes you trust.", UnattendedMode.names().toArray(String[]::new)),
            Param.bool("dangerously_skip_permissions", "Same as unattended=dangerous (kept for existing prompts).")
                    .withDefault(false));

    private final MemberTarget target;
    private final Prompts prompts;

    public ExecutePrompt(MemberTarget target, Prompts prompts) {
        this.target = target;
        this.prompts = prompts;
    }

    @Override
    public String name() {
        return "execute_prompt";
    }

    @Override
    public String description() {
        return "Give a member's coding agent (its llm_provider: Claude Code, Codex, OpenCode, Copilot or Antigravity, in its "
                + "work folder) a prompt and return its answer, with the session id, tokens, estimated cost and, on failure, "
                + "the failure class (auth, usage_limit, overloaded, server, max_turns, workspace_not_trusted, timeout, "
                + "stalled, cancelled, other) and what to do. By default the member's previous session is resumed; if that "
                + "fails it starts fresh once. Auth and usage limits are not retried; an overloaded or failing service is "
                + "retried once. A silent agent is ended after inactivity_timeout_ms; stop_prompt ends a running prompt. "
                + "Costs agent tokens and can take minutes.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        Prompts.Prompted p = prompts.prompt(target.use(in), request(in), call);
        return render(p.member(), p.cli(), p.run());
    }

    private static PromptRequest request(ToolInput in) {
        UnattendedMode mode = in.string("unattended") == null ? UnattendedMode.OFF : UnattendedMode.fromJson(in.string("unattended"));
        if (in.bool("dangerously_skip_permissions")) {
            if (mode != UnattendedMode.OFF && mode != UnattendedMode.DANGEROUS) {
                throw new InvalidInputException("dangerously_skip_permissions", "means unattended=dangerous; it cannot be combined "
                        + "with unattended=" + mode.json());
            }
            mode = UnattendedMode.DANGEROUS;
        }
        return new PromptRequest(in.string("prompt"), in.bool("resume"), Duration.ofMillis(in.longValue("timeout_ms")),
                Duration.ofMillis(in.longValue("inactivity_timeout_ms")), in.integer("max_turns"), in.string("model"), mode);
    }

    private static ToolResult render(Member m, ProviderAdapter cli, PromptRunner.Run run) {
        PromptResult r = run.result();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("member", m.friendlyName());
        data.put("provider", r.provider().json());
        data.put("response", r.answer());
        data.put("sessionId", r.sessionId());
        data.put("inputTokens", r.inputTokens());
        data.put("outputTokens", r.outputTokens());
        data.put("costUsd", r.costUsd());
        data.put("model", r.model());
        data.put("tier", r.tier() == null ? null : r.tier().json());
        data.put("turns", r.turns());
        data.put("cliReportedCostUsd", r.reportedCostUsd());
        data.put("usageNote", r.usageNote());
        data.put("resumed", run.resumed() && !run.fellBackToFresh());
        data.put("startedFreshAfterFailedResume", run.fellBackToFresh());
        data.put("attempts", run.attempts());
        data.put("notes", r.notes());
        Failure f = r.failure();
        if (f == null) {
            data.put("failure", null);
            StringBuilder t = new StringBuilder(r.answer() == null ? "" : r.answer().strip()).append("\n\n").append(meta(r));
            if (run.fellBackToFresh()) {
                t.append("\n(The stored session could not be resumed; this answer comes from a fresh session, now stored.)");
            }
            r.notes().forEach(n -> t.append("\nNote: ").append(n).append('.'));
            return ToolResult.ok(t.toString(), data);
        }
        String advice = f.kind().advice(cli, m.friendlyName());
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("class", f.kind().json());
        failure.put("detail", f.detail());
        failure.put("resetsAt", f.resetsAt());
        failure.put("advice", advice);
        data.put("failure", failure);
        StringBuilder t = new StringBuilder(headline(m, cli, f)).append('\n');
        if (!f.detail().isEmpty()) {
            t.append(f.detail()).append('\n');
        }
        t.append("Advice: ").append(advice);
        if (r.answer() != null && !r.answer().isBlank()) {
            t.append("\n\nThe agent's last words: ").append(r.answer().strip());
        }
        if (r.sessionId() != null || r.inputTokens() != null) {
            t.append("\n").append(meta(r));
        }
        return new ToolResult(t.toString(), data, true);
    }

    private static String headline(Member m, ProviderAdapter cli, Failure f) {
        String on = cli.displayName() + " on " + m.friendlyName();
        return switch (f.kind()) {
            case AUTH -> on + " is not logged in, or its login or key was refused [auth].";
            case USAGE_LIMIT -> "Rate or usage limit reached for " + on + (f.resetsAt() != null ? "; it resets " + at(f.resetsAt()) : "")
                    + " [usage_limit].";
            case OVERLOADED -> "The model service of " + on + " is overloaded (retried once) [overloaded].";
            case SERVER -> "The model service of " + on + " failed or was unreachable (retried once) [server].";
            case MAX_TURNS -> on + " used all its turns before finishing [max_turns].";
            case WORKSPACE_NOT_TRUSTED -> on + " does not trust the work folder " + m.workFolder() + " [workspace_not_trusted].";
            case TIMEOUT -> "Time limit reached on " + m.friendlyName() + ": the agent process was ended [timeout].";
            case STALLED -> on + " went silent and was ended [stalled].";
            case CANCELLED -> "The prompt on " + m.friendlyName() + " was stopped [cancelled].";
            case OTHER -> on + " failed [other].";
        };
    }

    private static String at(String resetsAt) {
        return resetsAt.startsWith("in ") ? resetsAt : "at " + resetsAt;
    }

    private static String meta(PromptResult r) {
        StringBuilder m = new StringBuilder("— ").append(r.provider().json());
        if (r.model() != null) {
            m.append(" ").append(r.model()).append(r.tier() == null ? "" : " (" + r.tier().json() + ")");
        }
        m.append(" · session ").append(r.sessionId() == null ? "-" : r.sessionId().substring(0, Math.min(8, r.sessionId().length())));
        if (r.inputTokens() != null || r.outputTokens() != null) {
            m.append(" · tokens ").append(r.inputTokens() == null ? "?" : r.inputTokens()).append(" in / ")
                    .append(r.outputTokens() == null ? "?" : r.outputTokens()).append(" out");
        }
        m.append(r.costUsd() != null ? String.format(Locale.ROOT, " · ~$%.4f", r.costUsd()) : " · cost unknown");
        if (r.reportedCostUsd() != null) {
            m.append(String.format(Locale.ROOT, " (the CLI reports $%.4f)", r.reportedCostUsd()));
        }
        if (r.usageNote() != null) {
            m.append(" · ").append(r.usageNote());
        }
        if (r.turns() != null) {
            m.append(" · ").append(r.turns()).append(r.turns() == 1 ? " turn" : " turns");
        }
        return m.toString();
    }
}
