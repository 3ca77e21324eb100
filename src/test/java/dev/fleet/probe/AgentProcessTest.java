package dev.fleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentProcessTest {
    private final Member member = Member.builder().id("1").friendlyName("m").agentType(AgentType.LOCAL)
            .workFolder("/w/app").sessionId("sess-42").build();

    @Test
    void busyWhenAnAgentRunsInTheFolderOrBelowOrWithTheSession() {
        assertThat(AgentProcess.busyState(AgentProcess.parse("12\t/w/app\tclaude -p hi\n"), member)).isEqualTo(BusyState.BUSY);
        assertThat(AgentProcess.busyState(AgentProcess.parse("12\t/w/app/src\tclaude\n"), member)).isEqualTo(BusyState.BUSY);
        assertThat(AgentProcess.busyState(AgentProcess.parse("12\t\tclaude --resume sess-42\n"), member)).isEqualTo(BusyState.BUSY);
    }

    @Test
    void othersAgentsMakeItIdleStarAndNoneMakeItIdle() {
        assertThat(AgentProcess.busyState(AgentProcess.parse("12\t/w/application\tclaude\n"), member)).isEqualTo(BusyState.IDLE_OTHERS);
        assertThat(AgentProcess.busyState(List.of(), member)).isEqualTo(BusyState.IDLE);
        assertThat(AgentProcess.parse("garbage\nnot\ta pid\tx\n")).isEmpty();
    }
}
