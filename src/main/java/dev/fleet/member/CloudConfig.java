package dev.fleet.member;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The cloud block of a remote member: the VM behind it and how fleet manages its lifetime.
 * {@code extra} carries JSON fields this version does not know, so a rewrite never drops them.
 */
public record CloudConfig(
        String provider,
        String instanceId,
        String region,
        String profile,
        int idleTimeoutMin,
        String sshKeyPath,
        String activityCommand,
        Map<String, JsonNode> extra) {

    public static final int DEFAULT_IDLE_TIMEOUT_MIN = 30;
    public static final String DEFAULT_REGION = "us-east-1";

    public CloudConfig {
        // Insertion order kept: unknown fields are rewritten where they stood.
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }
}
