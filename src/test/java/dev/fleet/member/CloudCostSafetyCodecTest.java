package dev.fleet.member;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cost-safety fields of a cloud block: written only when set, read back, and an older registry stays as it was. */
class CloudCostSafetyCodecTest {
    private final RegistryCodec codec = new RegistryCodec(new ObjectMapper());

    private static final String OLD = """
            {"version":"1.0","agents":[{"id":"a1","friendlyName":"gpu","agentType":"remote","host":"203.0.113.9",
            "workFolder":"/w","cloud":{"provider":"aws","instanceId":"i-0123456789abcdef0","region":"us-east-1",
            "idleTimeoutMin":30,"sshKeyPath":"/k","spotPool":"blue"}}]}
            """;

    @Test
    void aRegistryWithoutTheFieldsIsRewrittenWithoutThem() throws Exception {
        Registry r = codec.parse(OLD.getBytes(StandardCharsets.UTF_8));
        CloudConfig c = r.members().get(0).cloud();
        assertThat(c.budgetUsdPerDay()).isNull();
        assertThat(c.gpuBusyMinUtil()).isZero();
        assertThat(c.guardOff()).isFalse();
        String written = new String(codec.write(r), StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("budgetUsdPerDay", "gpuBusyMinUtil", "\"guard\"").contains("\"spotPool\" : \"blue\"");
    }

    @Test
    void theFieldsSurviveARoundTripNextToUnknownOnes() throws Exception {
        Registry r = codec.parse(OLD.getBytes(StandardCharsets.UTF_8));
        Member m = r.members().get(0);
        Member changed = m.toBuilder().cloud(m.cloud().withCostSafety(12.5, 20, true)).build();
        Registry again = codec.parse(codec.write(r.replacing(m.id(), old -> changed)));
        CloudConfig c = again.members().get(0).cloud();
        assertThat(c.budgetUsdPerDay()).isEqualTo(12.5);
        assertThat(c.gpuBusyMinUtil()).isEqualTo(20);
        assertThat(c.guardOff()).isTrue();
        assertThat(c.extra()).containsKey("spotPool");
        assertThat(c.idleTimeoutMin()).isEqualTo(30);
    }
}
