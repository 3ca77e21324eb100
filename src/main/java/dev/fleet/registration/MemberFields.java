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

    /** The cloud block's parameters, each null when not given. */
    public record CloudFields(String provider, String instanceId, String region, String profile, Integer idleTimeoutMin,
                              String sshKeyPath, String activityCommand) {
        /** Parameters that make a member a cloud member. */
        public static final List<String> PARAMS = List.of("cloud_provider", "cloud_instance_id", "cloud_region",
                "cloud_profile", "cloud_idle_timeout_min", "cloud_ssh_key_path", "cloud_activity_command");
    }

    boolean anyCloudGiven() {
        return CloudFields.PARAMS.stream().anyMatch(given::contains);
    }
}
