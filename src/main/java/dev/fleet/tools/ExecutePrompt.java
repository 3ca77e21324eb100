package dev.fleet.tools;

import dev.fleet.agentcli.PromptOutcome;
import dev.fleet.agentcli.PromptRequest;
import dev.fleet.agentcli.PromptRunner;
import dev.fleet.agentcli.Prompts;
import dev.fleet.member.Member;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** execute_prompt: runs the agent CLI on a member with a prompt and returns its answer. */
public final class ExecutePrompt implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            Param.string("prompt", "The task or question for the member's agent.").length(1, 1_000_000).required(),
            Param.bool("resume", "Continue the member's stored session (default true); false starts a new conversation.")
                    .withDefault(true),
            Param.integer("timeout_ms", "Time limit in milliseconds (default 5 minutes); on expiry the agent process is ended.",
                    1000, 86_400_000).withDefault(300_000L),
            Param.integer("max_turns", "Maximum agent turns (default 50).", 1, 500).withDefault(50L),
            Param.string("model", "Model to use, e.g. sonnet, opus or a full model name (default: the CLI's).")
                    .matching("[A-Za-z0-9][A-Za-z0-9._:\\[\\]-]{0,99}", "must be a model name of letters, digits and . _ : - [ ]"),
            Param.bool("dangerously_skip_permissions", "Let the agent run tools without asking (only in sandboxes you trust).")
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
        return "Give a member's agent (Claude Code on that machine, in its work folder) a prompt and return its answer, "
                + "with the session id, tokens and cost. By default the member's previous conversation is resumed; if "
                + "that fails it starts fresh once. Auth and usage-limit failures are explained, not retried; an "
                + "overloaded service is retried once. Costs agent tokens and can take minutes (timeout_ms, default 5 min).";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        PromptRequest request = new PromptRequest(in.string("prompt"), in.bool("resume"),
                Duration.ofMillis(in.longValue("timeout_ms")), in.integer("max_turns"), in.string("model"),
                in.bool("dangerously_skip_permissions"));
        Prompts.Prompted p = prompts.prompt(target.work(in), request, call);
        return render(p.member(), p.run());
    }

    private static ToolResult render(Member m, PromptRunner.Run run) {
        String name = m.friendlyName();
        if (run.outcome() instanceof PromptOutcome.Answered a) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("member", name);
            data.put("response", a.text());
            data.put("sessionId", a.sessionId());
            data.put("inputTokens", a.inputTokens());
            data.put("outputTokens", a.outputTokens());
            data.put("costUsd", a.costUsd());
            data.put("turns", a.turns());
            data.put("resumed", run.resumed() && !run.fellBackToFresh());
            data.put("startedFreshAfterFailedResume", run.fellBackToFresh());
            StringBuilder t = new StringBuilder(a.text().strip()).append("\n\n").append(meta(a));
            if (run.fellBackToFresh()) {
                t.append("\n(The stored session could not be resumed; this answer comes from a fresh session, now stored.)");
            }
            return ToolResult.ok(t.toString(), data);
        }
        return ToolResult.error(failure(name, run.outcome()));
    }

    private static String failure(String name, PromptOutcome outcome) {
        if (outcome instanceof PromptOutcome.AuthFailed f) {
            return "The agent CLI on " + name + " is not logged in, or its login expired (" + f.detail() + ").\n"
                    + "Fix: log in on this machine (run `claude`, then /login), then run provision_auth for " + name + ".";
        }
        if (outcome instanceof PromptOutcome.RateLimited f) {
            return "Rate or usage limit reached on " + name + (f.resetsAt() != null ? "; it resets at " + f.resetsAt() : "")
                    + ". Not retried: wait until then, or give the task to another member.\n" + f.detail();
        }
        if (outcome instanceof PromptOutcome.Overloaded f) {
            return "The agent service is overloaded or failing (retried once after a pause): " + f.detail();
        }
        if (outcome instanceof PromptOutcome.TimedOut f) {
            return "Time limit of " + f.afterMs() + " ms reached on " + name
                    + ": the agent process was ended. Raise timeout_ms or split the task.";
        }
        if (outcome instanceof PromptOutcome.SessionNotFound f) {
            return "The agent CLI on " + name + " could not find the session: " + f.detail();
        }
        PromptOutcome.Failed f = (PromptOutcome.Failed) outcome;
        return "The agent CLI failed on " + name + (f.exitCode() == null ? "" : " (exit " + f.exitCode() + ")") + ":\n" + f.output();
    }

    private static String meta(PromptOutcome.Answered a) {
        StringBuilder m = new StringBuilder("— session ").append(a.sessionId() == null ? "-"
                : a.sessionId().substring(0, Math.min(8, a.sessionId().length())));
        if (a.inputTokens() != null || a.outputTokens() != null) {
            m.append(" · tokens ").append(a.inputTokens() == null ? "?" : a.inputTokens()).append(" in / ")
                    .append(a.outputTokens() == null ? "?" : a.outputTokens()).append(" out");
        }
        if (a.costUsd() != null) {
            m.append(" · $").append(String.format(Locale.ROOT, "%.4f", a.costUsd()));
        }
        if (a.turns() != null) {
            m.append(" · ").append(a.turns()).append(a.turns() == 1 ? " turn" : " turns");
        }
        return m.toString();
    }
}
