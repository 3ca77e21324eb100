package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.io.File;
import org.junit.jupiter.api.Test;

/** The shell local commands run in (and a login capture falls back to): bash where it can run, else sh. */
class LocalShellTest {
    @Test
    void isBashWhereItCanRunElseSh() {
        String expected = new File("/bin/bash").canExecute() ? "/bin/bash" : "/bin/sh";
        assertThat(LocalShell.path()).isEqualTo(expected);
    }

    @Test
    void localCommandsOnLinuxAndMacOsRunInIt() {
        for (MemberOs os : new MemberOs[] {MemberOs.LINUX, MemberOs.MACOS}) {
            assertThat(OsCommands.forOs(os).shellArgv("true")).containsExactly(LocalShell.path(), "-c", "true");
        }
    }
}
