package dev.fleet.registration;

import dev.fleet.agentcli.LlmProvider;
import dev.fleet.agentcli.ModelTier;
import dev.fleet.member.AgentType;
import dev.fleet.member.AuthType;
import dev.fleet.member.GitAccess;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a register or update request says about a member, with the tools' defaults applied.
 * {@code given} names the parameters the caller passed: an update changes exactly those, and a
 * parameter that does not fit the member's kind is refused by name even when its value is empty.
 * {@code llmProvider} is null when not given; {@code modelTiers} is null when not given and empty
 * to remove the member's own tiers.
 */
public record MemberFields(
        String friendlyName,
        AgentType memberType,
        String host,
        Integer port,
        String username,
        AuthType authType,
        String password,
        String keyPath,
        String workFolder,
        GitAccess gitAccess,
        List<String> gitRepos,
        String icon,
        LlmProvider llmProvider,
        Map<ModelTier, String> modelTiers,
        CloudFields cloud,
        Set<String> given) {

    /** Parameters that apply to members reached over SSH only. */
    public static final List<String> REMOTE_PARAMS = List.of("host", "port", "username", "auth_type", "password", "key_path");

    public MemberFields {
        given = Set.copyOf(given);
        modelTiers = modelTiers == null ? null : Map.copyOf(modelTiers);
    }

    public boolean given(String parameter) {
        return given.contains(parameter);
    }

    /** Every field but the password, which shows only as given or not: a record's own text would print it. */
    @Override
    public String toString() {
        return "MemberFields[friendlyName=" + friendlyName + ", memberType=" + memberType + ", host=" + host + ", port=" + port
                + ", username=" + username + ", authType=" + authType + ", password=" + (password == null ? "none" : "(given)")
                + ", keyPath=" + keyPath + ", workFolder=" + workFolder + ", gitAccess=" + gitAccess + ", gitRepos=" + gitRepos
                + ", icon=" + icon + ", llmProvider=" + llmProvider + ", modelTiers=" + modelTiers + ", cloud=" + cloud
                + ", given=" + given + "]";
    }

    /**
     * The cloud block's parameters, each null when not given.
     *
     * @param budgetUsdPerDay daily budget in US dollars; 0 removes it
     * @param gpuBusyMinUtil  GPU utilization (percent) that counts as work; 0: any compute process
     */
    public record CloudFields(String provider, String instanceId, String region, String profile, Integer idleTimeoutMin,
                              String sshKeyPath, String activityCommand, Double budgetUsdPerDay, Integer gpuBusyMinUtil) {
        /** Parameters that make a member a cloud member. */
        public static final List<String> PARAMS = List.of("cloud_provider", "cloud_instance_id", "cloud_region",
                "cloud_profile", "cloud_idle_timeout_min", "cloud_ssh_key_path", "cloud_activity_command",
                "cloud_budget_usd_per_day", "cloud_gpu_busy_min_util");

        /** Parameters whose change the on-instance guard must learn of (with work_folder). */
        static final List<String> GUARD_SETTINGS = List.of("cloud_idle_timeout_min", "cloud_activity_command",
                "cloud_gpu_busy_min_util", "cloud_budget_usd_per_day");

        /** The budget as stored: none when not given or 0. */
        Double budget() {
            return budgetUsdPerDay == null || budgetUsdPerDay == 0 ? null : budgetUsdPerDay;
        }
    }

    boolean anyCloudGiven() {
        return CloudFields.PARAMS.stream().anyMatch(given::contains);
    }
}
