package dev.fleet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.CloudConfig;
import dev.fleet.testing.FakeEc2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What fleet says when EC2 (or an endpoint standing in for it) refuses a call. */
class Ec2ProviderErrorsTest {
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEFLEETSESSION0123456789abcdef";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFLEETSECRET";

    FakeEc2 ec2;
    Ec2Provider provider;
    CloudConfig cloud;

    @BeforeEach
    void setUp() throws Exception {
        ec2 = new FakeEc2().start();
        ec2.addInstance("i-0123456789abcdef0", "t3.micro", FakeEc2.State.RUNNING);
        provider = new Ec2Provider(ec2.endpoint().toString(), Map.of("AWS_ACCESS_KEY_ID", "AKIDFLEETTEST",
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_SESSION_TOKEN", SESSION_TOKEN));
        cloud = new CloudConfig("aws", "i-0123456789abcdef0", "us-east-1", null, 30, null, null, Map.of());
    }

    @AfterEach
    void tearDown() {
        provider.close();
        ec2.close();
    }

    @Test
    void aRefusalQuotingTheSignedHeadersShowsNeitherTheSessionTokenNorTheSignature() throws Exception {
        assertThat(provider.describe(cloud).state()).isEqualTo(InstanceState.RUNNING);
        ec2.refuseQuotingHeadersNext(1);
        assertThatThrownBy(() -> provider.describe(cloud)).isInstanceOf(CloudException.class).satisfies(e -> {
            assertThat(e.getMessage()).startsWith("AWS refused to describe i-0123456789abcdef0 in us-east-1: AuthFailure Request refused")
                    .endsWith("(the AWS identity lacks permission; see docs/cloud.md)")
                    .doesNotContain(SESSION_TOKEN).doesNotContain(SECRET_KEY).doesNotContainPattern("[0-9a-f]{64}");
        });
    }

    /**
     * Credentials from a profile (here the credentials file with a session token; SSO and
     * credential_process come the same way) and none in the environment: the session token the
     * request was signed with is still known, and not shown when an error quotes it.
     */
    @Test
    void aRefusalQuotingTheSignedHeadersOfAProfilesCredentialsShowsNoSessionToken(@TempDir Path tmp) throws Exception {
        String profileToken = "IQoJb3JpZ2luX2VjEPROFILESESSION9876543210fedcba";
        String profileSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPROFILESECRET";
        Path credentials = Files.writeString(tmp.resolve("credentials"), "[fleet-test]\naws_access_key_id = AKIDPROFILETEST\n"
                + "aws_secret_access_key = " + profileSecret + "\naws_session_token = " + profileToken + "\n");
        Path config = Files.writeString(tmp.resolve("config"), "[profile fleet-test]\nregion = us-east-1\n");
        String oldCredentials = System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        String oldConfig = System.setProperty("aws.configFile", config.toString());
        try (Ec2Provider fromProfile = new Ec2Provider(ec2.endpoint().toString(), Map.of())) {
            CloudConfig profiled = new CloudConfig("aws", "i-0123456789abcdef0", "us-east-1", "fleet-test", 30, null, null, Map.of());
            assertThat(fromProfile.describe(profiled).state()).isEqualTo(InstanceState.RUNNING);
            ec2.refuseQuotingHeadersNext(1);
            assertThatThrownBy(() -> fromProfile.describe(profiled)).isInstanceOf(CloudException.class).satisfies(e ->
                    assertThat(e.getMessage()).startsWith("AWS refused to describe i-0123456789abcdef0 in us-east-1 (profile fleet-test)")
                            .doesNotContain(profileToken).doesNotContain(profileSecret)
                            .doesNotContain(profileToken.substring(0, 20)));
        } finally {
            restore("aws.sharedCredentialsFile", oldCredentials);
            restore("aws.configFile", oldConfig);
        }
    }

    private static void restore(String property, String old) {
        if (old == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, old);
        }
    }
}
