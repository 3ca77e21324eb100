package dev.fleet.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.AwsRuntime;
import dev.fleet.cloud.CloudException;
import dev.fleet.member.AgentType;
import dev.fleet.member.AuthType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor's look at the AWS profiles its cloud members use, read through the AWS SDK. */
class AwsCheckTest {
    @TempDir
    Path tmp;

    RegistryStore store;

    @BeforeEach
    void setUp() {
        store = new RegistryStore(new DataDir(tmp.resolve("data")).ensureExists(), new RegistryCodec(new ObjectMapper()));
        store.update(r -> r.with(Member.builder().id("gpu-id").friendlyName("gpu").agentType(AgentType.REMOTE)
                .host("127.0.0.1").port(22).username("fleet").authType(AuthType.KEY).workFolder("/w")
                .createdAt(Instant.parse("2026-01-01T00:00:00Z"))
                .cloud(new CloudConfig("aws", "i-0abcdef0123456789", "us-east-1", "work", 30, null, null, Map.of())).build()));
    }

    @Test
    void aMembersProfileIsReadAsTheSdkReadsIt() throws Exception {
        Files.createDirectories(tmp.resolve(".aws"));
        Files.writeString(tmp.resolve(".aws/config"), "[profile work]\nrole_arn = arn:aws:iam::1:role/gpu\nsource_profile = base\n");
        List<Finding> found = new AwsCheck(store, Map.of(), tmp, Clock.systemUTC(), AwsRuntime::sdk).run();
        assertThat(found).extracting(Finding::subject)
                .containsExactly("gpu: profile work assumes role arn:aws:iam::1:role/gpu from profile base");
    }

    @Test
    void anSdkThatCannotBeLoadedIsAProblemThatSaysSoAndHowToMendIt() {
        AwsCheck check = new AwsCheck(store, Map.of(), tmp, Clock.systemUTC(), () -> {
            throw new CloudException("the AWS SDK of this installation is incomplete: lib/aws/ec2.jar is missing");
        });
        assertThat(check.run()).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Finding.Status.PROBLEM);
            assertThat(f.subject()).contains("lib/aws/ec2.jar is missing");
            assertThat(f.fix()).contains("reinstall fleet");
        });
    }
}
