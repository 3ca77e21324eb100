package dev.fleet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.cloud.InstanceState;
import dev.fleet.member.CloudConfig;
import dev.fleet.testing.FakeEc2;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** The clients fleet makes for EC2, readied ahead of a first call, and the credential providers that end with them. */
class Ec2ProviderCloseTest {
    static final String INSTANCE = "i-0123456789abcdef0";

    FakeEc2 ec2;

    /**
     * A profile's provider as the SDK's SSO and role providers are: closeable, since it holds an
     * HTTP client and a refreshing thread until closed.
     */
    static final class HeldCredentials implements AwsCredentialsProvider, SdkAutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create("AKIDCLOSETEST", "closeTestSecretKey0123456789");
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        ec2 = new FakeEc2().start();
        ec2.addInstance(INSTANCE, "t3.micro", FakeEc2.State.RUNNING);
    }

    @AfterEach
    void tearDown() {
        ec2.close();
    }

    private static CloudConfig cloud(String profile) {
        return new CloudConfig("aws", INSTANCE, "us-east-1", profile, 30, null, null, Map.of());
    }

    @Test
    void closingTheProviderClosesEachCredentialProviderItMadeOnce() throws Exception {
        Map<String, HeldCredentials> made = new ConcurrentHashMap<>();
        Ec2Provider provider = new Ec2Provider(ec2.endpoint().toString(), profile -> made.computeIfAbsent(profile, p -> new HeldCredentials()));
        assertThat(provider.describe(cloud("one")).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(provider.describe(cloud("two")).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(provider.describe(cloud("one")).state()).isEqualTo(InstanceState.RUNNING);
        assertThat(made).containsOnlyKeys("one", "two");
        assertThat(made.values()).allSatisfy(c -> assertThat(c.closes).hasValue(0));

        provider.close();
        assertThat(made.values()).allSatisfy(c -> assertThat(c.closes).hasValue(1));

        // Used again after a close, it makes a new client and provider, closed by the next close.
        made.clear();
        assertThat(provider.describe(cloud("one")).state()).isEqualTo(InstanceState.RUNNING);
        provider.close();
        assertThat(made.get("one").closes).hasValue(1);
    }

    @Test
    void preparingBuildsTheClientTheFirstCallThenUsesWithoutAskingEc2Anything() throws Exception {
        Map<String, HeldCredentials> made = new ConcurrentHashMap<>();
        try (Ec2Provider provider = new Ec2Provider(ec2.endpoint().toString(),
                profile -> made.computeIfAbsent(profile, p -> new HeldCredentials()))) {
            provider.prepare(cloud("one"));
            assertThat(made).containsOnlyKeys("one");
            assertThat(ec2.actions()).as("requests sent while preparing").isEmpty();

            assertThat(provider.describe(cloud("one")).state()).isEqualTo(InstanceState.RUNNING);
            assertThat(made).as("the prepared client served the call").containsOnlyKeys("one");
            assertThat(ec2.requests("DescribeInstances")).isEqualTo(1);
        }
        assertThat(made.get("one").closes).hasValue(1);
    }
}
