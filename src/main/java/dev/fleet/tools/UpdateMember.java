package dev.fleet.tools;

import static dev.fleet.tools.RegistrationParams.*;

import dev.fleet.registration.Registrar;

/** update_member: changes registration metadata; no connection is made. */
public final class UpdateMember implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            FRIENDLY_NAME, HOST, PORT, USERNAME, AUTH_TYPE, PASSWORD, KEY_PATH, WORK_FOLDER, GIT_ACCESS, GIT_REPOS,
            LLM_PROVIDER.description(LLM_PROVIDER.description() + " Changing it forgets the stored session (it belongs to the "
                    + "old CLI); run update_llm_cli to check or install the new CLI."), MODEL_TIERS,
            Param.string("icon", "Icon shown before the member's name: a name such as blue-circle, red-square, green-square "
                    + "(blue, green, red, yellow, purple, orange, brown, black; -circle or -square), or an emoji.").length(1, 32),
            CLOUD_PROVIDER, CLOUD_INSTANCE_ID, CLOUD_REGION, CLOUD_PROFILE, CLOUD_IDLE_TIMEOUT_MIN, CLOUD_SSH_KEY_PATH,
            CLOUD_ACTIVITY_COMMAND.description(
                    "Cloud: shell command that prints 'busy' or 'idle'; an empty string removes it."),
            CLOUD_BUDGET_USD_PER_DAY, CLOUD_GPU_BUSY_MIN_UTIL);

    private final Registrar registrar;

    public UpdateMember(Registrar registrar) {
        this.registrar = registrar;
    }

    @Override
    public String name() {
        return "update_member";
    }

    @Override
    public String description() {
        return "Change a member's registration: name, folder, connection details, password or key, git access, icon, "
                + "agent (llm_provider, model_tiers), or its cloud settings. Only the parameters given change. Metadata only: "
                + "nothing is tested or created on the member (a new work folder is not created; run register_member again "
                + "for that), except that new idle settings of a running cloud member reach its on-instance guard. "
                + "Refuses a folder already used by another member on the same machine.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Registrar.Updated u = registrar.update(MemberTarget.ref(in), RegistrationParams.fields(in));
        if (u.changed().isEmpty()) {
            return ToolResult.ok("Nothing to change for member " + u.member().friendlyName() + ": no fields given.");
        }
        return ToolResult.ok("Updated member " + u.member().friendlyName() + ": " + String.join(", ", u.changed()) + "."
                + (u.changed().contains("icon") ? "\n  Icon:      " + u.member().icon() : "")
                + u.onInstance().map(g -> "\nOn the instance: " + g + ".").orElse(""), MemberView.structured(u.member()));
    }
}
