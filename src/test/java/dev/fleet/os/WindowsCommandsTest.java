package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The PowerShell text a Windows member receives (no PowerShell here: the text itself is checked). */
class WindowsCommandsTest {
    private final OsCommands windows = OsCommands.forOs(MemberOs.WINDOWS);

    private static String decoded(String commandLine) {
        String prefix = "powershell -NoProfile -NonInteractive -EncodedCommand ";
        assertThat(commandLine).startsWith(prefix);
        return new String(Base64.getDecoder().decode(commandLine.substring(prefix.length())), StandardCharsets.UTF_16LE);
    }

    @Test
    void aFolderThatCannotBeEnteredEndsTheScriptBeforeTheCommandRuns() {
        String ps = decoded(windows.remoteCommand("Remove-Item -Recurse build", "C:\\work\\it's", "0123abcd"));
        // Set-Location's failure is made terminating and caught: the script exits 127 with a message
        // instead of running the command in whatever folder it happens to be in.
        String enter = "try { Set-Location -LiteralPath 'C:\\work\\it''s' -ErrorAction Stop } catch { ";
        assertThat(ps).startsWith(enter);
        String guard = ps.substring(enter.length(), ps.indexOf(" }", enter.length()));
        assertThat(guard).contains("[Console]::Error.WriteLine(", "does not exist on the member", "exit 127");
        assertThat(ps.indexOf("exit 127")).isLessThan(ps.indexOf("Remove-Item"));
        assertThat(ps).contains("$env:FLEET_RUN_ID = '0123abcd'; Remove-Item -Recurse build");
    }

    @Test
    void withoutAFolderTheScriptRunsWhereTheLoginStarts() {
        String ps = decoded(windows.remoteCommand("Get-ChildItem", null, "0123abcd"));
        assertThat(ps).isEqualTo("$env:FLEET_RUN_ID = '0123abcd'; Get-ChildItem");
    }
}
