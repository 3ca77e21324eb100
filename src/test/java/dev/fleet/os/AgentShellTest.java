package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.member.MemberOs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shell text for agent CLIs on each OS. The POSIX wrapper runs for real in the prompt tests;
 * these check what no test here can run (Windows) and the rules every builder keeps.
 */
class AgentShellTest {
    private static final PromptLaunch LAUNCH = new PromptLaunch("0a1b2c3d4e5f60718293a4b5", "member-1", "codex",
            List.of("exec", "--json", "--model", "gpt-5 \"quoted\"", "-"), "CODEX_API_KEY", PromptLaunch.Input.STDIN, null);

    @Test
    void windowsStartsTheCliWithItsOwnRedirectsAndStopsTheWholeTree() {
        AgentShell w = AgentShell.forOs(MemberOs.WINDOWS);
        String launch = w.launchPrompt(LAUNCH);
        assertThat(launch).contains("Start-Process -FilePath $exe.Source", "-RedirectStandardInput (Join-Path $d 'prompt')",
                "-RedirectStandardOutput (Join-Path $d 'out')", "$env:CODEX_API_KEY = ", "$env:FLEET_PROMPT_RUN = '0a1b2c3d4e5f60718293a4b5'",
                "Set-Content -LiteralPath (Join-Path $d 'pid') -Value $p.Id", AgentShell.ENDED_BY_MARK, "exit $code");
        assertThat(launch).contains("'\"exec\" \"--json\" \"--model\" \"gpt-5 \\\"quoted\\\"\" \"-\"'");
        String stop = w.stopPrompts("member-1", null, "cancelled");
        assertThat(stop).contains("taskkill /F /T /PID $p", "\"cancelled`r`n\"", "\"stopped $p\"", "'member-1'");
        assertThat(w.pollPrompt("0a1b2c3d4e5f60718293a4b5", List.of(new PromptLaunch.WatchedFolder(".codex/sessions", 4))))
                .contains("'out', 'err'", "transcript=changed", "(Join-Path $env:USERPROFILE '.codex/sessions')");
    }

    @Test
    void posixStopsPolitelyThenKillsTheGroupTheTreeAndTaggedProcesses() {
        String linux = AgentShell.forOs(MemberOs.LINUX).stopPrompts("member-1", "0a1b2c3d4e5f60718293a4b5", "stalled");
        assertThat(linux).contains("kill -TERM -- \"-$p\"", "kill -KILL -- \"-$p\"", "fleet_tree", "/proc/[0-9]*/environ",
                "FLEET_PROMPT_RUN=$1", "[ \"$id\" = '0a1b2c3d4e5f60718293a4b5' ] || continue");
        String mac = AgentShell.forOs(MemberOs.MACOS).stopPrompts("member-1", null, "cancelled");
        assertThat(mac).contains("ps -axwwE").doesNotContain("/proc/");
    }

    @Test
    void aLaunchCarriesNeitherThePromptNorTheSecret() {
        byte[] payload = PromptLaunch.payload("sk-secret-value", "the prompt text");
        String stdin = new String(payload, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(stdin).doesNotContain("sk-secret-value", "the prompt text").matches("[A-Za-z0-9+/=]+\\n[A-Za-z0-9+/=]+\\n");
        assertThat(new String(PromptLaunch.payload(null, "p"), java.nio.charset.StandardCharsets.US_ASCII)).startsWith("-\n");
        for (MemberOs os : MemberOs.values()) {
            assertThat(AgentShell.forOs(os).launchPrompt(LAUNCH)).doesNotContain("sk-secret-value");
        }
    }

    @Test
    void namesThatReachAShellUnquotedAreRefused() {
        assertThatThrownBy(() -> new PromptLaunch("0a1b2c3d;rm", "m", "codex", List.of(), null, PromptLaunch.Input.STDIN, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PromptLaunch("0a1b2c3d4e", "m", "codex $(x)", List.of(), null, PromptLaunch.Input.STDIN, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentShell.forOs(MemberOs.LINUX).stopPrompts("m", null, "x; rm -rf /"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PromptLaunch.WatchedFolder("../../etc", 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
