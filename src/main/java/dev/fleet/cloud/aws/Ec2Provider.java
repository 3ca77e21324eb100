package dev.fleet.cloud.aws;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudProvider;
import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.CloudConfig;
import dev.fleet.security.KnownSecrets;
import dev.fleet.security.ServiceMessage;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateChange;

/**
 * AWS EC2 through the AWS SDK for Java v2, with the PM machine's own AWS configuration (default
 * chain or a named profile, including SSO); fleet stores no AWS keys. Clients are created on first
 * use, one per region, profile and endpoint. Every call has a timeout and the SDK's standard retry
 * (with back-off, throttling included). The endpoint can be overridden by the SDK's own
 * {@code AWS_ENDPOINT_URL_EC2} / {@code AWS_ENDPOINT_URL}, or by fleet's {@code FLEET_EC2_ENDPOINT}.
 */
public final class Ec2Provider implements CloudProvider {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final Function<String, AwsCredentialsProvider> credentialsFor;
    private final String endpointOverride;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    /** A client and the credentials it signs with, which an error quoting the request back may carry. */
    private record Connection(Ec2Client client, SigningCredentials credentials) {
        /**
         * The client, then its credentials: a profile's SSO or role provider holds an HTTP client
         * and a refreshing thread of its own. Whether a client closes a provider it was given has
         * changed between SDK versions, so fleet closes what it made itself (closing twice is harmless).
         */
        void close() {
            try {
                client.close();
            } finally {
                credentials.close();
            }
        }
    }

    /**
     * @param endpointOverride another EC2 endpoint ({@code FLEET_EC2_ENDPOINT}); null: the SDK's own choice
     * @param env              the server's environment, where AWS keys are looked up
     */
    public Ec2Provider(String endpointOverride, Map<String, String> env) {
        this(endpointOverride, pmCredentials(Map.copyOf(env)));
    }

    /** @param credentialsFor the credential provider for a profile (null: none named); each is closed with its client */
    Ec2Provider(String endpointOverride, Function<String, AwsCredentialsProvider> credentialsFor) {
        this.credentialsFor = credentialsFor;
        this.endpointOverride = endpointOverride;
    }

    @Override
    public String name() {
        return "aws";
    }

    @Override
    public InstanceDetails describe(CloudConfig cloud) throws CloudException {
        try {
            DescribeInstancesResponse r = client(cloud).describeInstances(b -> b.instanceIds(cloud.instanceId()));
            Instance i = r.reservations().stream().flatMap(res -> res.instances().stream())
                    .filter(x -> cloud.instanceId().equals(x.instanceId())).findFirst()
                    .orElseThrow(() -> new CloudException("instance " + cloud.instanceId() + " not found in " + cloud.region()));
            return new InstanceDetails(i.instanceId(), InstanceState.fromName(i.state() == null ? null : i.state().nameAsString()),
                    Ec2Fields.publicIp(i.publicIpAddress()), Ec2Fields.instanceType(i.instanceTypeAsString()), i.launchTime());
        } catch (SdkException e) {
            throw translate("describe", cloud, e);
        }
    }

    @Override
    public InstanceState start(CloudConfig cloud) throws CloudException {
        try {
            return current(client(cloud).startInstances(b -> b.instanceIds(cloud.instanceId())).startingInstances());
        } catch (SdkException e) {
            throw translate("start", cloud, e);
        }
    }

    @Override
    public InstanceState stop(CloudConfig cloud) throws CloudException {
        try {
            return current(client(cloud).stopInstances(b -> b.instanceIds(cloud.instanceId())).stoppingInstances());
        } catch (SdkException e) {
            throw translate("stop", cloud, e);
        }
    }

    /** Builds the client for the member's region and profile (no request is sent): the SDK's classes load now. */
    @Override
    public void prepare(CloudConfig cloud) throws CloudException {
        try {
            client(cloud);
        } catch (SdkException e) {
            throw translate("prepare a client for", cloud, e);
        }
    }

    private static InstanceState current(java.util.List<InstanceStateChange> changes) {
        return changes.isEmpty() || changes.get(0).currentState() == null ? InstanceState.UNKNOWN
                : InstanceState.fromName(changes.get(0).currentState().nameAsString());
    }

    /**
     * An SDK failure as fleet says it. What AWS (or an endpoint standing in for it) said is quoted
     * through {@link ServiceMessage}: an answer may quote the request's signed headers back, the
     * session token among them, so the credentials the client signed with are known secrets.
     */
    private CloudException translate(String action, CloudConfig c, SdkException e) {
        String where = c.instanceId() + " in " + c.region() + (c.profile() == null ? "" : " (profile " + c.profile() + ")");
        Connection connection = connections.get(key(c));
        KnownSecrets sent = connection == null ? KnownSecrets.none() : connection.credentials().known();
        if (e instanceof Ec2Exception ec2 && ec2.awsErrorDetails() != null) {
            String code = ec2.awsErrorDetails().errorCode();
            String msg = ServiceMessage.quote(ec2.awsErrorDetails().errorMessage(), sent);
            String hint = switch (code == null ? "" : code) {
                case "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed" -> " (check cloud_instance_id and cloud_region)";
                case "UnauthorizedOperation", "AuthFailure" -> " (the AWS identity lacks permission; see docs/cloud.md)";
                case "RequestLimitExceeded" -> " (AWS kept throttling after retries; try again shortly)";
                case "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable" ->
                        " (a fault on AWS's side that lasted through retries; try again shortly)";
                default -> "";
            };
            return new CloudException("AWS refused to " + action + " " + where + ": " + ServiceMessage.quote(code, sent) + " " + msg + hint, e);
        }
        if (e instanceof SdkClientException) {
            return new CloudException("could not " + action + " " + where + ": " + ServiceMessage.quote(e.getMessage(), sent), e);
        }
        return new CloudException("AWS error while trying to " + action + " " + where + ": " + ServiceMessage.quote(e.getMessage(), sent), e);
    }

    private static String key(CloudConfig c) {
        return c.region() + "|" + c.profile();
    }

    private Ec2Client client(CloudConfig c) {
        return connections.computeIfAbsent(key(c), k -> {
            SigningCredentials credentials = new SigningCredentials(credentialsFor.apply(c.profile()));
            try {
                return new Connection(build(c, credentials), credentials);
            } catch (RuntimeException e) {
                credentials.close();
                throw e;
            }
        }).client();
    }

    private Ec2Client build(CloudConfig c, SigningCredentials credentials) {
        var builder = Ec2Client.builder()
                .region(Region.of(c.region()))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(ATTEMPT_TIMEOUT)
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(ATTEMPT_TIMEOUT));
        if (endpointOverride != null) {
            builder.endpointOverride(URI.create(endpointOverride));
        }
        return builder.build();
    }

    private static Function<String, AwsCredentialsProvider> pmCredentials(Map<String, String> env) {
        return profile -> credentials(profile, env);
    }

    /**
     * A named profile from the user's AWS files (SSO and role profiles included); else keys in the
     * environment; else the SDK's default chain. Nothing is stored by fleet.
     */
    private static AwsCredentialsProvider credentials(String profile, Map<String, String> env) {
        if (profile != null) {
            return ProfileCredentialsProvider.builder().profileName(profile).build();
        }
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id != null && secret != null) {
            String token = env.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret)
                    : AwsSessionCredentials.create(id, secret, token));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public void close() {
        for (String key : connections.keySet()) {
            Connection conn = connections.remove(key);
            if (conn != null) {
                conn.close();
            }
        }
    }
}
