package dev.fleet.tools;

import static dev.fleet.tools.RegistrationParams.*;

import dev.fleet.agentcli.LlmProvider;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.exec.ChannelException;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.registration.Registrar;
import java.util.LinkedHashMap;
import java.util.Map;

/** register_member: adds a machine + folder to the fleet after checking it is usable. */
public final class RegisterMember implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            FRIENDLY_NAME.required(), MEMBER_TYPE, HOST, PORT.withDefault(22L), USERNAME, AUTH_TYPE, PASSWORD, KEY_PATH,
            WORK_FOLDER.required(), GIT_ACCESS, GIT_REPOS, LLM_PROVIDER.withDefault(LlmProvider.DEFAULT.json()), MODEL_TIERS,
            CLOUD_PROVIDER, CLOUD_INSTANCE_ID, CLOUD_REGION, CLOUD_PROFILE, CLOUD_IDLE_TIMEOUT_MIN,
            CLOUD_SSH_KEY_PATH, CLOUD_ACTIVITY_COMMAND, CLOUD_BUDGET_USD_PER_DAY, CLOUD_GPU_BUSY_MIN_UTIL);

    private final Registrar registrar;

    public RegisterMember(Registrar registrar) {
        this.registrar = registrar;
    }

    @Override
    public String name() {
        return "register_member";
    }

    @Override
    public String description() {
        return "Add a member to the fleet: a working folder on this machine (member_type=local) or on another "
                + "machine over SSH (member_type=remote, with host, username and either auth_type=key + key_path or "
                + "auth_type=password + password). Checks the member before saving it: connects and measures latency "
                + "(remote), detects the OS, checks the member's agent CLI (llm_provider, default claude: its --version; missing is "
                + "only a warning that says how to install it), creates "
                + "the work folder, and rejects a second member on the same folder of the same machine. A member that "
                + "cannot be reached is not registered; the error says why. Takes a second or two.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException {
        return render(registrar.register(RegistrationParams.fields(in)));
    }

    private static ToolResult render(Registrar.Registered r) {
        Member m = r.member();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("name", m.friendlyName());
        out.put("type", m.agentType().json());
        if (!m.isLocal()) {
            out.put("host", m.host());
            out.put("port", m.port());
            out.put("username", m.username());
            out.put("authType", m.authType().json());
        }
        out.put("os", m.os().json());
        out.put("icon", m.icon());
        out.put("workFolder", m.workFolder());
        out.put("latencyMs", r.latencyMs());
        out.put("llmProvider", MemberAgent.providerName(m));
        out.put("agentCli", r.agentCli().orElse(null));
        out.put("warnings", r.warnings());
        StringBuilder text = new StringBuilder()
                .append("Registered member ").append(m.friendlyName()).append(" (").append(m.agentType().json()).append(")\n")
                .append("  id:        ").append(m.id()).append('\n');
        if (!m.isLocal()) {
            text.append("  host:      ").append(m.username()).append('@').append(m.host()).append(':').append(m.port())
                    .append(" (").append(m.authType().json()).append(" auth)\n");
        }
        text.append("  Icon:      ").append(MemberIcons.display(m)).append('\n')
                .append("  OS:        ").append(m.os().json()).append('\n')
                .append("  folder:    ").append(m.workFolder()).append('\n')
                .append("  latency:   ").append(r.latencyMs() < 0 ? "not measured" : r.latencyMs() + " ms")
                .append(m.isLocal() ? " (local)" : "").append('\n')
                .append("  provider:  ").append(MemberAgent.providerName(m)).append('\n')
                .append("  agent CLI: ").append(MemberAgent.commandsOnly(m) ? "none (commands only)"
                        : r.agentCli().orElse(r.latencyMs() < 0 ? "not checked" : "not found")).append('\n');
        if (m.cloud() != null) {
            text.append("  cloud:     ").append(MemberView.cloudLine(m.cloud())).append('\n');
        }
        if (!r.warnings().isEmpty()) {
            text.append("Warnings:\n");
            r.warnings().forEach(w -> text.append("  - ").append(w).append('\n'));
        }
        return ToolResult.ok(text.toString().stripTrailing(), out);
    }
}
