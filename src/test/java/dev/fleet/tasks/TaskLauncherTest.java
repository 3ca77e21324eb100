package dev.fleet.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import org.junit.jupiter.api.Test;

class TaskLauncherTest {
    @Test
    void windowsMembersGetAClearRefusal() {
        Member win = Member.builder().id("w").friendlyName("winbox").agentType(AgentType.REMOTE).os(MemberOs.WINDOWS).build();
        assertThat(OsCommands.forOs(MemberOs.WINDOWS).tasks()).isEmpty();
        assertThatThrownBy(() -> TaskLauncher.taskCommands(win, OsCommands.forOs(win.osOrAssumed()))).isInstanceOf(TaskException.class)
                .hasMessageContaining("winbox is a windows member: long-running tasks are not supported there");
        assertThat(OsCommands.forOs(MemberOs.LINUX).tasks()).isPresent();
        assertThat(OsCommands.forOs(MemberOs.MACOS).tasks()).isPresent();
    }
}
