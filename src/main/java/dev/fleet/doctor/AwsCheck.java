package dev.fleet.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.AwsProfiles;
import dev.fleet.cloud.AwsRuntime;
import dev.fleet.cloud.AwsSdk;
import dev.fleet.cloud.CloudException;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether the AWS credentials cloud members need can be found, without calling AWS: keys in the
 * environment, or a profile (keys, SSO with a current login, a role, or a credential process) in
 * the user's AWS files; and a valid region for each member.
 */
public final class AwsCheck extends MemberCheck {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private final Map<String, String> env;
    private final Path home;
    private final Clock clock;
    private final AwsSdk.Source sdk;

    /** @param sdk the AWS SDK, through which the user's profiles are read as the SDK will read them */
    public AwsCheck(RegistryStore store, Map<String, String> env, Path home, Clock clock, AwsSdk.Source sdk) {
        super(store);
        this.env = env;
        this.home = home;
        this.clock = clock;
        this.sdk = sdk;
    }

    @Override
    public String name() {
        return "aws";
    }

    @Override
    List<Finding> check(Registry registry) {
        Map<String, List<String>> byProfile = new LinkedHashMap<>();
        List<Finding> found = new ArrayList<>();
        for (Member m : registry.members()) {
            if (m.cloud() == null) {
                continue;
            }
            byProfile.computeIfAbsent(m.cloud().profile() == null ? "" : m.cloud().profile(), p -> new ArrayList<>()).add(m.friendlyName());
            if (!REGION.matcher(m.cloud().region()).matches()) {
                found.add(Finding.problem(m.friendlyName() + ": \"" + m.cloud().region() + "\" is not an AWS region name",
                        "update_member member_name=" + m.friendlyName() + " cloud_region=us-east-1 (the instance's region)"));
            }
        }
        if (byProfile.isEmpty()) {
            return List.of(Finding.note("no cloud members, so no AWS credentials are needed"));
        }
        AwsProfiles files;
        try {
            files = sdk.get().profiles(credentialsFile(), configFile());
        } catch (CloudException e) {
            found.add(Finding.problem(e.getMessage(), AwsRuntime.REPAIR));
            return found;
        }
        for (Map.Entry<String, List<String>> e : byProfile.entrySet()) {
            found.add(credentials(e.getKey(), String.join(", ", e.getValue()), files));
        }
        return found;
    }

    private Finding credentials(String memberProfile, String members, AwsProfiles files) {
        if (memberProfile.isEmpty()) {
            if (present("AWS_ACCESS_KEY_ID") && present("AWS_SECRET_ACCESS_KEY")) {
                return Finding.ok(members + ": AWS keys from the environment" + (present("AWS_SESSION_TOKEN") ? " (with a session token)" : ""));
            }
            String profile = present("AWS_PROFILE") ? env.get("AWS_PROFILE") : "default";
            return profile(profile, members, files, present("AWS_PROFILE") ? "AWS_PROFILE" : "the default profile");
        }
        return profile(memberProfile, members, files, "its cloud_profile");
    }

    private Finding profile(String name, String members, AwsProfiles files, String source) {
        Optional<Map<String, String>> found = files.profile(name);
        if (found.isEmpty()) {
            return Finding.problem(members + ": no AWS credentials: " + source + " \"" + name + "\" is not in "
                    + configFile() + " or " + credentialsFile() + ", and no keys are in the environment",
                    "aws configure --profile " + name + " (or aws configure sso), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        }
        Map<String, String> p = found.get();
        String who = members + ": profile " + name;
        if (property(p, "aws_access_key_id").isPresent()) {
            return Finding.ok(who + " has access keys");
        }
        if (property(p, "sso_session").isPresent() || property(p, "sso_start_url").isPresent()) {
            return sso(p, who, name);
        }
        if (property(p, "role_arn").isPresent()) {
            return Finding.ok(who + " assumes role " + property(p, "role_arn").get()
                    + property(p, "source_profile").map(s -> " from profile " + s).orElse(""));
        }
        if (property(p, "credential_process").isPresent()) {
            return Finding.ok(who + " gets credentials from a credential_process");
        }
        return Finding.problem(who + " has no keys, SSO, role or credential process",
                "aws configure --profile " + name + " (or aws configure sso --profile " + name + ")");
    }

    /** SSO logins are cached under ~/.aws/sso/cache/, named by the SHA-1 of the session name (or start URL). */
    private Finding sso(Map<String, String> p, String who, String name) {
        String cacheKey = property(p, "sso_session").orElseGet(() -> property(p, "sso_start_url").orElse(""));
        Path cached = home.resolve(".aws").resolve("sso").resolve("cache").resolve(sha1(cacheKey) + ".json");
        String login = "aws sso login --profile " + name;
        if (!Files.exists(cached)) {
            return Finding.problem(who + " uses AWS SSO and is not logged in", login);
        }
        try {
            JsonNode token = new ObjectMapper().readTree(cached.toFile());
            Instant expires = Instant.parse(token.path("expiresAt").asText());
            if (expires.isBefore(clock.instant())) {
                return Finding.problem(who + " uses AWS SSO; the login expired at " + expires, login);
            }
            return Finding.ok(who + " uses AWS SSO, logged in until " + expires);
        } catch (IOException | DateTimeParseException e) {
            return Finding.problem(who + " uses AWS SSO; its cached login cannot be read", login);
        }
    }

    private static Optional<String> property(Map<String, String> profile, String name) {
        return Optional.ofNullable(profile.get(name));
    }

    private Path configFile() {
        return present("AWS_CONFIG_FILE") ? Path.of(env.get("AWS_CONFIG_FILE")) : home.resolve(".aws").resolve("config");
    }

    private Path credentialsFile() {
        return present("AWS_SHARED_CREDENTIALS_FILE") ? Path.of(env.get("AWS_SHARED_CREDENTIALS_FILE"))
                : home.resolve(".aws").resolve("credentials");
    }

    private boolean present(String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
