package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.AgentType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the idle stop compares after its look is compared by value. The member is read again
 * then, and a registry read anew from its file holds equal values in other objects: a port past
 * the JDK's small-number cache compared by identity read as "changed meanwhile", and an instance
 * whose SSH port is, say, 2222 was never stopped after any other write to the registry.
 */
class IdleStopTargetTest {
    private static Member member(int port) {
        return Member.builder().id("gpu-id").friendlyName("gpu").agentType(AgentType.REMOTE).host("127.0.0.9")
                .port(Integer.valueOf(port)).username("u").workFolder("/w")
                .cloud(new CloudConfig("aws", "i-0123456789abcdef0", "us-east-1", null, 30, null, null, Map.of())).build();
    }

    @Test
    void aMemberReadAgainWithEqualValuesIsTheSameTarget() {
        Member looked = member(2222);
        Member now = member(2222);
        assertThat(looked.port()).isNotSameAs(now.port());
        assertThat(IdleStop.sameTarget(looked, now)).isTrue();
    }

    @Test
    void anotherPortHostOrInstanceIsAnotherTarget() {
        Member looked = member(2222);
        assertThat(IdleStop.sameTarget(looked, member(2223))).isFalse();
        assertThat(IdleStop.sameTarget(looked, looked.toBuilder().host("127.0.0.10").build())).isFalse();
        assertThat(IdleStop.sameTarget(looked, looked.toBuilder().cloud(new CloudConfig("aws", "i-0123456789abcdef1", "us-east-1",
                null, 30, null, null, Map.of())).build())).isFalse();
    }
}
