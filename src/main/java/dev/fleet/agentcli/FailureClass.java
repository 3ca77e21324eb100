package dev.fleet.agentcli;

/**
 * Why a prompt did not produce an answer, as the PM needs to act on it. Each class comes with the
 * advice fleet gives; the retry rules (see {@link PromptRunner}) are keyed on the class too.
 */
public enum FailureClass {
    /** The CLI is not logged in, or its login or key was refused. */
    AUTH("auth"),
    /** A rate limit, quota or plan limit (including the session and weekly limits of subscription plans). */
    USAGE_LIMIT("usage_limit"),
    /** The model service said it is overloaded. */
    OVERLOADED("overloaded"),
    /** The model service failed (5xx) or could not be reached from the member. */
    SERVER("server"),
    /** The agent used every turn it was allowed. */
    MAX_TURNS("max_turns"),
    /** The CLI refused to work in a folder it does not trust. */
    WORKSPACE_NOT_TRUSTED("workspace_not_trusted"),
    /** The total time limit ({@code timeout_ms}) was reached; the agent was ended. */
    TIMEOUT("timeout"),
    /** Nothing printed and no transcript change for {@code inactivity_timeout_ms}; the agent was ended. */
    STALLED("stalled"),
    /** Ended by stop_prompt. */
    CANCELLED("cancelled"),
    /** Anything else; the CLI's own words are in the detail. */
    OTHER("other");

    private final String json;

    FailureClass(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    /** What the PM can do about it, in one or two sentences. */
    public String advice(ProviderAdapter cli, String member) {
        String name = cli.displayName();
        return switch (this) {
            case AUTH -> cli.authHelp(member);
            case USAGE_LIMIT -> "Not retried: wait until the limit resets, or give the task to another member (or another provider).";
            case OVERLOADED -> "The service was busy and one retry after a pause did not help; try again later or use another member.";
            case SERVER -> "The model service failed or was unreachable from " + member + " (one retry did not help); check the "
                    + "member's network and the provider's status, then try again.";
            case MAX_TURNS -> "The agent used all its turns: raise max_turns, or send a follow-up prompt (resume=true continues "
                    + "the session).";
            case WORKSPACE_NOT_TRUSTED -> name + " does not trust the work folder of " + member + ": open " + name
                    + " there once and accept the folder, or use unattended=dangerous in a sandbox.";
            case TIMEOUT -> "The total time limit was reached and the agent was ended: raise timeout_ms or split the task.";
            case STALLED -> "The agent printed nothing and its transcript did not change for inactivity_timeout_ms, so it was "
                    + "ended: check the member (a hung command, a prompt waiting for input), or raise inactivity_timeout_ms for "
                    + "tasks that run long silent commands.";
            case CANCELLED -> "The prompt was stopped with stop_prompt; files it changed so far stay as they are.";
            case OTHER -> "Read the CLI's output above; run member_detail " + member + " to check the CLI and its login.";
        };
    }
}
