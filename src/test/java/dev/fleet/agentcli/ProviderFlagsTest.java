package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.os.AgentProcessNames;
import dev.fleet.os.PromptLaunch;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact arguments each CLI gets per unattended mode, resume and model; never the prompt. */
class ProviderFlagsTest {
    private static List<String> args(ProviderAdapter cli, UnattendedMode mode, String session, String model) {
        return cli.promptArgs(new Invocation(session, model, mode, 7, ".fleet-prompt-abc123/prompt.md"));
    }

    @Test
    void claudeMapsEachModeToItsPermissionFlags() {
        assertThat(args(ClaudeAdapter.INSTANCE, UnattendedMode.OFF, null, null))
                .containsExactly("-p", "--output-format", "json", "--max-turns", "7", "--permission-mode", "acceptEdits");
        assertThat(args(ClaudeAdapter.INSTANCE, UnattendedMode.AUTO, "s-1", "opus")).containsExactly("-p", "--output-format", "json",
                "--max-turns", "7", "--resume", "s-1", "--model", "opus", "--permission-mode", "auto");
        assertThat(args(ClaudeAdapter.INSTANCE, UnattendedMode.DANGEROUS, null, null)).endsWith("--dangerously-skip-permissions");
    }

    @Test
    void codexRunsExecWithItsSandboxAndResumesByThread() {
        assertThat(args(CodexAdapter.INSTANCE, UnattendedMode.OFF, null, "gpt-5.4"))
                .containsExactly("exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "--model", "gpt-5.4", "-");
        assertThat(args(CodexAdapter.INSTANCE, UnattendedMode.AUTO, "t-1", null)).containsExactly("-c",
                "sandbox_workspace_write.network_access=true", "exec", "--json", "--skip-git-repo-check", "--sandbox",
                "workspace-write", "resume", "t-1", "-");
        assertThat(args(CodexAdapter.INSTANCE, UnattendedMode.DANGEROUS, null, null))
                .containsExactly("exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "-");
    }

    @Test
    void openCodeRunsWithJsonEventsAndItsOneApprovalSwitch() {
        assertThat(args(OpenCodeAdapter.INSTANCE, UnattendedMode.OFF, "ses_1", "ollama/qwen3-coder"))
                .containsExactly("run", "--format", "json", "--session", "ses_1", "--model", "ollama/qwen3-coder");
        assertThat(args(OpenCodeAdapter.INSTANCE, UnattendedMode.AUTO, null, null)).containsExactly("run", "--format", "json", "--auto");
        assertThat(args(OpenCodeAdapter.INSTANCE, UnattendedMode.DANGEROUS, null, null)).containsExactly("run", "--format", "json", "--auto");
    }

    @Test
    void copilotUsesItsToolPermissionsAndResumesById() {
        assertThat(args(CopilotAdapter.INSTANCE, UnattendedMode.OFF, null, null))
                .containsExactly("--output-format=json", "--no-ask-user", "--allow-tool=write");
        assertThat(args(CopilotAdapter.INSTANCE, UnattendedMode.AUTO, "u-1", "gpt-5.2"))
                .containsExactly("--output-format=json", "--no-ask-user", "--allow-all-tools", "--resume=u-1", "--model=gpt-5.2");
        assertThat(args(CopilotAdapter.INSTANCE, UnattendedMode.DANGEROUS, null, null)).contains("--allow-all");
    }

    @Test
    void agyIsPointedAtThePromptFileAndNeverEscalatesAuto() {
        List<String> a = args(AgyAdapter.INSTANCE, UnattendedMode.AUTO, "c-1", "Gemini 3.1 Pro (Low)");
        assertThat(a.get(0)).isEqualTo("-p");
        assertThat(a.get(1)).contains(".fleet-prompt-abc123/prompt.md");
        assertThat(a.subList(2, a.size())).containsExactly("--output-format", "json", "--conversation", "c-1", "--model",
                "Gemini 3.1 Pro (Low)", "--mode", "accept-edits");
        assertThat(args(AgyAdapter.INSTANCE, UnattendedMode.DANGEROUS, null, null)).endsWith("--dangerously-skip-permissions");
        assertThat(AgyAdapter.INSTANCE.promptInput()).isEqualTo(PromptLaunch.Input.FILE_IN_FOLDER);
    }

    @Test
    void everyProviderHasAnAdapterExceptNoneAndEveryCliCountsAsBusy() {
        for (LlmProvider p : LlmProvider.values()) {
            assertThat(p.adapter().isPresent()).as(p.json()).isEqualTo(p != LlmProvider.NONE);
            p.adapter().ifPresent(a -> {
                assertThat(AgentProcessNames.NAMES).contains(a.executable());
                assertThat(AgentProcessNames.matches("/home/u/.local/bin/" + a.executable() + " " + String.join(" ",
                        a.promptArgs(new Invocation(null, null, UnattendedMode.OFF, 5, ".fleet-prompt-x1/prompt.md"))))).isTrue();
                assertThat(a.defaultTiers()).containsOnlyKeys(Arrays.asList(ModelTier.values()));
                assertThat(a.transcripts()).isNotEmpty();
            });
        }
        assertThat(AgentProcessNames.matches("node /usr/lib/node_modules/@anthropic-ai/claude-code/cli.js -p")).isTrue();
        assertThat(AgentProcessNames.matches("node /usr/lib/node_modules/@openai/codex/bin/codex.js exec --json")).isTrue();
        assertThat(AgentProcessNames.matches("/usr/bin/python3 strategy.py --legacy")).isFalse();
    }

    @Test
    void eachProviderNamesItsOwnPermissionFile() {
        assertThat(ClaudeAdapter.INSTANCE.permissionFile().path()).isEqualTo(".claude/settings.local.json");
        assertThat(CodexAdapter.INSTANCE.permissionFile().format()).isEqualTo("toml");
        assertThat(OpenCodeAdapter.INSTANCE.permissionFile().path()).isEqualTo("opencode.json");
        assertThat(CopilotAdapter.INSTANCE.permissionFile().path()).isEqualTo(".github/copilot/settings.local.json");
        assertThat(AgyAdapter.INSTANCE.permissionFile().path()).isEqualTo(".gemini/antigravity-cli/settings.json");
    }
}
