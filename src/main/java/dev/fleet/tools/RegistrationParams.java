package dev.fleet.tools;

import dev.fleet.agentcli.LlmProvider;
import dev.fleet.agentcli.ModelTier;
import dev.fleet.member.AgentType;
import dev.fleet.member.AuthType;
import dev.fleet.member.GitAccess;
import dev.fleet.member.MemberRules;
import dev.fleet.registration.MemberFields;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Parameters shared by register_member and update_member, declared once. */
final class RegistrationParams {
    static final Param FRIENDLY_NAME = Param.string("friendly_name",
            "Unique name for the member, used in every other tool (member_name). 1-64 of letters, digits, '.', '_', '-'.")
            .matching(MemberRules.NAME_REGEX, MemberRules.NAME_RULE);
    static final Param MEMBER_TYPE = Param.oneOf("member_type",
            "'local' = a folder on this machine; 'remote' = a folder on another machine over SSH.", "local", "remote")
            .withDefault("remote");
    static final Param HOST = Param.string("host", "Remote only: hostname or IP address of the SSH server.")
            .matching(MemberRules.HOST_REGEX, MemberRules.HOST_RULE);
    static final Param PORT = Param.integer("port", "Remote only: SSH port.", 1, 65535);
    static final Param USERNAME = Param.string("username", "Remote only: SSH user name.")
            .matching(MemberRules.USERNAME_REGEX, MemberRules.USERNAME_RULE);
    static final Param AUTH_TYPE = Param.oneOf("auth_type", "Remote only: 'password' or 'key' (an SSH private key file).",
            "password", "key");
    static final Param PASSWORD = Param.string("password",
            "Remote only, with auth_type=password. Stored encrypted (AES-256-GCM); never shown again.")
            .length(1, 1024).secret();
    static final Param KEY_PATH = Param.string("key_path", "Remote only, with auth_type=key: path of the private key on this machine.")
            .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE);
    static final Param WORK_FOLDER = Param.string("work_folder",
            "Absolute folder on the member where commands and prompts run; created if missing. One member per folder per machine.")
            .matching(MemberRules.WORK_FOLDER_REGEX, MemberRules.WORK_FOLDER_RULE);
    static final Param GIT_ACCESS = Param.oneOf("git_access", "Git access level this member should get: read, push, admin, issues or full.",
            GitAccess.names());
    static final Param GIT_REPOS = Param.stringList("git_repos", "Repositories (owner/name) the member works on.")
            .matching("[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+){1,3}", "must look like owner/name (letters, digits, '.', '_', '-')");
    static final Param CLOUD_PROVIDER = Param.oneOf("cloud_provider", "Makes this a cloud member: the VM's provider. Only 'aws' for now.", "aws");
    static final Param CLOUD_INSTANCE_ID = Param.string("cloud_instance_id", "Cloud: the EC2 instance id, e.g. i-0abc12345def67890.")
            .matching(MemberRules.CLOUD_INSTANCE_ID_REGEX, MemberRules.CLOUD_INSTANCE_ID_RULE);
    static final Param CLOUD_REGION = Param.string("cloud_region", "Cloud: AWS region of the instance (default us-east-1).")
            .matching(MemberRules.CLOUD_REGION_REGEX, MemberRules.CLOUD_REGION_RULE);
    static final Param CLOUD_PROFILE = Param.string("cloud_profile", "Cloud: named AWS profile on this machine (default: the default credential chain).")
            .matching(MemberRules.CLOUD_PROFILE_REGEX, MemberRules.CLOUD_PROFILE_RULE);
    static final Param CLOUD_IDLE_TIMEOUT_MIN = Param.integer("cloud_idle_timeout_min",
            "Cloud: stop the instance after this many idle minutes (default 30).", 1, 1440);
    static final Param CLOUD_SSH_KEY_PATH = Param.string("cloud_ssh_key_path",
            "Cloud: private key for SSH to the instance (required for cloud members; also the member's SSH key).")
            .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE);
    static final Param CLOUD_ACTIVITY_COMMAND = Param.string("cloud_activity_command",
            "Cloud: shell command run on the instance that prints 'busy' or 'idle'; consulted before an idle stop.")
            .length(0, 4096);
    static final Param CLOUD_BUDGET_USD_PER_DAY = Param.number("cloud_budget_usd_per_day",
            "Cloud: daily budget in US dollars for this member's instance, checked against its estimated spend (hourly "
                    + "rate x running time, per UTC day). At 80 % every result warns; at 100 % fleet no longer starts it by "
                    + "itself and stops it after a short idle time. 0 removes the budget.", 0, 1_000_000);
    static final Param CLOUD_GPU_BUSY_MIN_UTIL = Param.integer("cloud_gpu_busy_min_util",
            "Cloud: GPU utilization (percent) that counts as work when deciding whether the instance is idle. 0 (default): "
                    + "any GPU compute process keeps it running; e.g. 10: only a GPU used at 10 % or more on average over the "
                    + "last samples. A process holding GPU memory at 0 % for longer than the idle timeout never keeps it up.",
            0, 100);

    /** A model id (provider/model for OpenCode, display names for agy) or a tier; never an option. */
    static final String MODEL_REGEX = "[A-Za-z0-9][A-Za-z0-9._:/()\\[\\] -]{0,99}";
    static final String MODEL_CHARS = "letters, digits, spaces and . _ : / - ( ) [ ], starting with a letter or digit";
    static final Param LLM_PROVIDER = Param.oneOf("llm_provider", "The member's coding agent CLI: claude (Claude Code), codex "
            + "(OpenAI Codex CLI), opencode (OpenCode, also for local models), copilot (GitHub Copilot CLI), agy (Google "
            + "Antigravity CLI), or none for a member used for commands only.", LlmProvider.names().toArray(String[]::new));
    static final Param MODEL_TIERS = Param.stringList("model_tiers", "The member's own model for each tier, as tier=model "
            + "items, e.g. [\"cheap=gpt-5.4-mini\", \"premium=gpt-5.4\"]; tiers not given use the provider's defaults. "
            + "execute_prompt's model=cheap|standard|premium picks from these. An empty list removes the member's tiers.")
            .matching("(?:cheap|standard|premium)=" + MODEL_REGEX, "must be tier=model with tier cheap, standard or premium "
                    + "and a model name of " + MODEL_CHARS);

    private RegistrationParams() {
    }

    /** What register_member and update_member were told, for the registrar. */
    static MemberFields fields(ToolInput in) {
        String type = in.string("member_type");
        return new MemberFields(in.string("friendly_name"),
                type == null ? null : "local".equals(type) ? AgentType.LOCAL : AgentType.REMOTE,
                in.string("host"), in.integer("port"), in.string("username"),
                in.string("auth_type") == null ? null : AuthType.fromJson(in.string("auth_type")),
                in.string("password"), in.string("key_path"), in.string("work_folder"),
                in.string("git_access") == null ? null : GitAccess.fromJson(in.string("git_access")).orElseThrow(),
                in.stringList("git_repos"), in.string("icon"),
                in.string("llm_provider") == null ? null : LlmProvider.fromJson(in.string("llm_provider")).orElseThrow(),
                in.given("model_tiers") ? tiers(in.stringList("model_tiers")) : null,
                new MemberFields.CloudFields(in.string("cloud_provider"), in.string("cloud_instance_id"),
                        in.string("cloud_region"), in.string("cloud_profile"), in.integer("cloud_idle_timeout_min"),
                        in.string("cloud_ssh_key_path"), in.string("cloud_activity_command"),
                        in.decimal("cloud_budget_usd_per_day"), in.integer("cloud_gpu_busy_min_util")),
                in.givenNames());
    }

    /** The tier=model items of model_tiers; a tier given twice is refused. */
    static Map<ModelTier, String> tiers(List<String> items) {
        Map<ModelTier, String> tiers = new EnumMap<>(ModelTier.class);
        for (String item : items) {
            int eq = item.indexOf('=');
            ModelTier tier = ModelTier.fromJson(item.substring(0, eq)).orElseThrow();
            if (tiers.put(tier, item.substring(eq + 1).strip()) != null) {
                throw new InvalidInputException("model_tiers", "names tier " + tier.json() + " twice");
            }
        }
        return tiers;
    }
}
