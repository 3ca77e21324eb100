package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every output shape the five CLIs print, read into one reply: the answer, the session id to
 * resume, the tokens, and the failure class taken from the structured result (never from numbers
 * found anywhere in the output). The shapes follow the CLIs' documentation and recorded runs
 * (sources in docs/providers.md).
 */
class ProviderOutputTest {

    private static CliOutput out(int exit, String stdout) {
        return new CliOutput(stdout, "", exit, null);
    }

    private static CliOutput err(int exit, String stderr) {
        return new CliOutput("", stderr, exit, null);
    }

    // --- Claude Code

    private static final String CLAUDE_RESULT = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":2,"
            + "\"result\":\"All done.\",\"session_id\":\"0b5c5d5e-1111-2222-3333-444455556666\",\"total_cost_usd\":0.0123,"
            + "\"usage\":{\"input_tokens\":100,\"cache_creation_input_tokens\":20,\"cache_read_input_tokens\":30,\"output_tokens\":45},"
            + "\"modelUsage\":{\"claude-sonnet-4-5-20250929\":{\"inputTokens\":90,\"outputTokens\":40,\"cacheReadInputTokens\":30,"
            + "\"cacheCreationInputTokens\":20},\"claude-haiku-4-5-20251001\":{\"inputTokens\":10,\"outputTokens\":5}}}";

    @Test
    void claudeReadsTheSingleResultObjectTheArrayAndTheEventLines() {
        String init = "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"0b5c5d5e-1111-2222-3333-444455556666\"}";
        for (String shape : new String[] {CLAUDE_RESULT, "[" + init + "," + CLAUDE_RESULT + "]",
            "warning: something on stdout\n" + init + "\n" + CLAUDE_RESULT + "\n"}) {
            AgentReply r = ClaudeAdapter.INSTANCE.parse(out(0, shape));
            assertThat(r.answered()).as(shape).isTrue();
            assertThat(r.answer()).isEqualTo("All done.");
            assertThat(r.sessionId()).isEqualTo("0b5c5d5e-1111-2222-3333-444455556666");
            assertThat(r.inputTokens()).isEqualTo(150);
            assertThat(r.outputTokens()).isEqualTo(45);
            assertThat(r.turns()).isEqualTo(2);
            assertThat(r.reportedCostUsd()).isEqualTo(0.0123);
            assertThat(r.usage()).extracting(AgentReply.ModelUsage::model)
                    .containsExactly("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001");
            assertThat(r.usage().get(0).inputTokens()).isEqualTo(140);
        }
    }

    @Test
    void claudeFallsBackToTheAssistantTextWhenTheResultIsBlank() {
        String assistant = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"Here it is.\"},"
                + "{\"type\":\"tool_use\",\"name\":\"Bash\"}]}}";
        AgentReply r = ClaudeAdapter.INSTANCE.parse(out(0, assistant + "\n" + CLAUDE_RESULT.replace("\"All done.\"", "\"\"")));
        assertThat(r.answer()).isEqualTo("Here it is.");
    }

    @Test
    void claudeFailuresAreClassifiedFromTheResult() {
        assertThat(kind(ClaudeAdapter.INSTANCE, out(1, "{\"type\":\"result\",\"is_error\":true,\"result\":\"Invalid API key · Please run /login\"}")))
                .isEqualTo(FailureClass.AUTH);
        AgentReply plan = ClaudeAdapter.INSTANCE.parse(out(1, "{\"type\":\"result\",\"is_error\":true,"
                + "\"result\":\"You've hit your weekly limit · resets Oct 9, 10am (Europe/Dublin)\"}"));
        assertThat(plan.failure().kind()).isEqualTo(FailureClass.USAGE_LIMIT);
        assertThat(plan.failure().resetsAt()).isEqualTo("Oct 9, 10am (Europe/Dublin)");
        AgentReply old = ClaudeAdapter.INSTANCE.parse(out(1, "{\"type\":\"result\",\"is_error\":true,"
                + "\"result\":\"Claude AI usage limit reached|1767225600\"}"));
        assertThat(old.failure().resetsAt()).isEqualTo("2026-01-01 00:00 UTC");
        assertThat(kind(ClaudeAdapter.INSTANCE, out(1, "{\"type\":\"result\",\"is_error\":true,\"api_error_status\":529,"
                + "\"result\":\"API Error\"}"))).isEqualTo(FailureClass.OVERLOADED);
        assertThat(kind(ClaudeAdapter.INSTANCE, out(1, "{\"type\":\"result\",\"is_error\":true,\"api_error_status\":500,"
                + "\"result\":\"API Error\"}"))).isEqualTo(FailureClass.SERVER);
        assertThat(kind(ClaudeAdapter.INSTANCE, out(1, "{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true,"
                + "\"session_id\":\"s1\"}"))).isEqualTo(FailureClass.MAX_TURNS);
        assertThat(kind(ClaudeAdapter.INSTANCE, out(1, "{\"type\":\"result\",\"terminal_reason\":\"max_turns\",\"is_error\":true}")))
                .isEqualTo(FailureClass.MAX_TURNS);
        assertThat(kind(ClaudeAdapter.INSTANCE, err(1, "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}"))).isEqualTo(FailureClass.OVERLOADED);
        assertThat(kind(ClaudeAdapter.INSTANCE, err(1, "API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\"}}")))
                .isEqualTo(FailureClass.AUTH);
        AgentReply gone = ClaudeAdapter.INSTANCE.parse(err(1, "No conversation found with session ID: abc"));
        assertThat(gone.sessionNotFound()).isTrue();
    }

    @Test
    void numbersInAnAnswerOrInNoiseNeverMakeAFailure() {
        String answer = CLAUDE_RESULT.replace("All done.", "Fixed the 401 and 429 handling; HTTP 500 is retried.");
        assertThat(ClaudeAdapter.INSTANCE.parse(out(0, answer)).answered()).isTrue();
        String codex = "{\"type\":\"thread.started\",\"thread_id\":\"t1\"}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"type\":\"command_execution\",\"aggregated_output\":\"HTTP 401 Unauthorized\"}}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"The 429 is gone.\"}}\n"
                + "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
        assertThat(CodexAdapter.INSTANCE.parse(out(0, codex)).answered()).isTrue();
    }

    @Test
    void aCrashAfterTheAgentEchoedErrorWordsIsNotClassifiedByThem() {
        // What the agent read (a log, a test fixture) is on stdout; the CLI itself said nothing.
        String echoed = "HTTP 401 Unauthorized\nAPI Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\"}}\n"
                + "Invalid API key · Please run /login\nunexpected status 429 Too Many Requests\nrate limit, quota exceeded\n";
        String assistant = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":"
                + "\"API Error: 401 Invalid API key · Please run /login\"}]}}";
        String claudeAnswer = CLAUDE_RESULT.replace("All done.", "API Error: 401 · Invalid API key · Please run /login");
        String codex = "{\"type\":\"item.completed\",\"item\":{\"type\":\"command_execution\",\"aggregated_output\":"
                + "\"unexpected status 401 Unauthorized\"}}";
        for (ProviderAdapter cli : List.of(ClaudeAdapter.INSTANCE, CodexAdapter.INSTANCE, OpenCodeAdapter.INSTANCE,
                CopilotAdapter.INSTANCE, AgyAdapter.INSTANCE)) {
            for (String stdout : List.of(echoed, assistant + "\n" + echoed, codex + "\n" + echoed)) {
                assertThat(kind(cli, out(1, stdout))).as("%s: %s", cli.displayName(), stdout).isEqualTo(FailureClass.OTHER);
                assertThat(kind(cli, new CliOutput(stdout, "Killed", 137, null))).as(cli.displayName()).isEqualTo(FailureClass.OTHER);
            }
        }
        assertThat(kind(ClaudeAdapter.INSTANCE, out(1, claudeAnswer))).isEqualTo(FailureClass.OTHER);
    }

    // --- Codex

    @Test
    void codexReadsTheThreadTheLastAgentMessageAndTheUsage() {
        String events = "{\"type\":\"thread.started\",\"thread_id\":\"0199a213-81c0-7800-8aa1-bbab2a035a53\"}\n"
                + "{\"type\":\"turn.started\"}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"**Planning**\"}}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"Looking first.\"}}\n"
                + "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"agent_message\",\"text\":\"Finished.\"}}\n"
                + "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1200,\"cached_input_tokens\":200,\"output_tokens\":345}}\n";
        AgentReply r = CodexAdapter.INSTANCE.parse(out(0, events));
        assertThat(r.answer()).isEqualTo("Finished.");
        assertThat(r.sessionId()).isEqualTo("0199a213-81c0-7800-8aa1-bbab2a035a53");
        assertThat(r.inputTokens()).isEqualTo(1200);
        assertThat(r.outputTokens()).isEqualTo(345);
    }

    @Test
    void codexFailuresComeFromItsErrorEvents() {
        assertThat(codex("You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits "
                + "or try again at 3:28 PM.")).isEqualTo(FailureClass.USAGE_LIMIT);
        assertThat(CodexAdapter.INSTANCE.parse(out(1, codexFail("You've hit your usage limit. Try again at 3:28 PM."))).failure().resetsAt())
                .isEqualTo("3:28 PM");
        assertThat(codex("Quota exceeded. Check your plan and billing details.")).isEqualTo(FailureClass.USAGE_LIMIT);
        assertThat(codex("unexpected status 401 Unauthorized: Missing bearer authentication")).isEqualTo(FailureClass.AUTH);
        assertThat(codex("Your access token could not be refreshed because your refresh token has expired.")).isEqualTo(FailureClass.AUTH);
        assertThat(codex("exceeded retry limit, last status: 429 Too Many Requests")).isEqualTo(FailureClass.USAGE_LIMIT);
        assertThat(codex("exceeded retry limit, last status: 502 Bad Gateway")).isEqualTo(FailureClass.SERVER);
        assertThat(codex("We're currently experiencing high demand, which may cause temporary errors.")).isEqualTo(FailureClass.OVERLOADED);
        assertThat(codex("stream disconnected before completion: connection reset")).isEqualTo(FailureClass.SERVER);
        assertThat(kind(CodexAdapter.INSTANCE, err(1, "Not inside a trusted directory and --skip-git-repo-check was not specified.")))
                .isEqualTo(FailureClass.WORKSPACE_NOT_TRUSTED);
        assertThat(CodexAdapter.INSTANCE.parse(err(1, "ERROR: No saved session found with ID 0199. Run `codex resume`")).sessionNotFound())
                .isTrue();
    }

    private static String codexFail(String message) {
        return "{\"type\":\"thread.started\",\"thread_id\":\"t1\"}\n{\"type\":\"error\",\"message\":\"" + message + "\"}\n"
                + "{\"type\":\"turn.failed\",\"error\":{\"message\":\"" + message + "\"}}\n";
    }

    private static FailureClass codex(String message) {
        return kind(CodexAdapter.INSTANCE, out(1, codexFail(message)));
    }

    // --- OpenCode

    @Test
    void openCodeAnswersWithTheLastMessagesTextAndSumsItsSteps() {
        String s = "\"sessionID\":\"ses_494719016ffe85dkDMj0FPRbHK\"";
        String events = "{\"type\":\"step_start\"," + s + ",\"part\":{\"messageID\":\"msg_1\",\"type\":\"step-start\"}}\n"
                + "{\"type\":\"text\"," + s + ",\"part\":{\"messageID\":\"msg_1\",\"type\":\"text\",\"text\":\"Let me look.\"}}\n"
                + "{\"type\":\"step_finish\"," + s + ",\"part\":{\"messageID\":\"msg_1\",\"reason\":\"tool-calls\",\"cost\":0.001,"
                + "\"tokens\":{\"input\":1000,\"output\":50,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}}}}\n"
                + "{\"type\":\"text\"," + s + ",\"part\":{\"messageID\":\"msg_2\",\"type\":\"text\",\"text\":\"Part one.\"}}\n"
                + "{\"type\":\"text\"," + s + ",\"part\":{\"messageID\":\"msg_2\",\"type\":\"text\",\"text\":\"Part two.\"}}\n"
                + "{\"type\":\"step_finish\"," + s + ",\"part\":{\"messageID\":\"msg_2\",\"reason\":\"stop\",\"cost\":0.002,"
                + "\"tokens\":{\"input\":1200,\"output\":80,\"reasoning\":10,\"cache\":{\"read\":300,\"write\":0}}}}\n"
                + "{\"type\":\"done\"," + s + ",\"reason\":\"idle\",\"rejected\":[]}\n";
        AgentReply r = OpenCodeAdapter.INSTANCE.parse(out(0, events));
        assertThat(r.answer()).isEqualTo("Part one.\n\nPart two.");
        assertThat(r.sessionId()).isEqualTo("ses_494719016ffe85dkDMj0FPRbHK");
        assertThat(r.inputTokens()).isEqualTo(2500);
        assertThat(r.outputTokens()).isEqualTo(140);
        assertThat(r.reportedCostUsd()).isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.turns()).isEqualTo(2);
    }

    @Test
    void openCodeNamedErrorsBecomeFailureClasses() {
        assertThat(openCode("{\"name\":\"ProviderAuthError\",\"data\":{\"providerID\":\"anthropic\",\"message\":\"No API key\"}}"))
                .isEqualTo(FailureClass.AUTH);
        assertThat(openCode("{\"name\":\"APIError\",\"data\":{\"message\":\"Rate limit exceeded\",\"statusCode\":429,\"isRetryable\":false}}"))
                .isEqualTo(FailureClass.USAGE_LIMIT);
        assertThat(openCode("{\"name\":\"APIError\",\"data\":{\"message\":\"Overloaded\",\"statusCode\":529}}"))
                .isEqualTo(FailureClass.OVERLOADED);
        assertThat(openCode("{\"name\":\"UnknownError\",\"data\":{\"message\":\"Our servers are currently overloaded.\"}}"))
                .isEqualTo(FailureClass.OVERLOADED);
        assertThat(OpenCodeAdapter.INSTANCE.parse(err(1, "Error: Session not found")).sessionNotFound()).isTrue();
    }

    private static FailureClass openCode(String error) {
        return kind(OpenCodeAdapter.INSTANCE, out(1, "{\"type\":\"error\",\"sessionID\":\"ses_1\",\"error\":" + error + "}"));
    }

    // --- Copilot

    @Test
    void copilotReadsTheTopLevelMessagesCountsEachUsageOnceAndTakesTheResultSession() {
        String events = "{\"type\":\"session.start\",\"data\":{\"sessionId\":\"35059dc3-d928-4ffb-8616-b78938621d85\"}}\n"
                + "{\"type\":\"assistant.message\",\"data\":{\"content\":\"Checking.\",\"toolRequests\":[{\"name\":\"bash\"}]}}\n"
                + "{\"type\":\"assistant.usage\",\"id\":\"u1\",\"ephemeral\":true,\"data\":{\"model\":\"gpt-5.2\",\"inputTokens\":10,\"outputTokens\":5}}\n"
                + "{\"type\":\"assistant.usage\",\"id\":\"u1\",\"ephemeral\":true,\"data\":{\"model\":\"gpt-5.2\",\"inputTokens\":10,\"outputTokens\":5}}\n"
                + "{\"type\":\"assistant.message\",\"data\":{\"content\":\"Final answer.\",\"toolRequests\":[]}}\n"
                + "{\"type\":\"assistant.message\",\"agentId\":\"sub\",\"data\":{\"content\":\"sub-agent tail\"}}\n"
                + "{\"type\":\"result\",\"sessionId\":\"35059dc3-d928-4ffb-8616-b78938621d85\",\"exitCode\":0,\"usage\":{\"premiumRequests\":3}}\n";
        AgentReply r = CopilotAdapter.INSTANCE.parse(out(0, events));
        assertThat(r.answer()).isEqualTo("Final answer.");
        assertThat(r.sessionId()).isEqualTo("35059dc3-d928-4ffb-8616-b78938621d85");
        assertThat(r.inputTokens()).isEqualTo(10);
        assertThat(r.usage()).containsExactly(new AgentReply.ModelUsage("gpt-5.2", 10, 5));
        assertThat(r.usageNote()).isEqualTo("3 premium requests");
    }

    @Test
    void copilotSessionErrorsFailOnlyARunThatFailed() {
        String recovered = "{\"type\":\"session.error\",\"data\":{\"errorType\":\"model_call\",\"message\":\"retry\",\"statusCode\":502}}\n"
                + "{\"type\":\"assistant.message\",\"data\":{\"content\":\"Fine after all.\"}}\n{\"type\":\"result\",\"sessionId\":\"s\",\"exitCode\":0}";
        assertThat(CopilotAdapter.INSTANCE.parse(out(0, recovered)).answered()).isTrue();
        assertThat(copilot("{\"errorType\":\"quota\",\"errorCode\":\"quota_exceeded\",\"message\":\"You have exceeded your monthly quota\","
                + "\"statusCode\":402}")).isEqualTo(FailureClass.USAGE_LIMIT);
        AgentReply limited = CopilotAdapter.INSTANCE.parse(out(1, "{\"type\":\"session.error\",\"data\":{\"errorType\":\"rate_limit\","
                + "\"message\":\"Sorry, you have hit a rate limit. Please try again in 4 hours.\",\"statusCode\":429}}"));
        assertThat(limited.failure().resetsAt()).isEqualTo("in 4 hours");
        assertThat(copilot("{\"errorType\":\"authorization\",\"message\":\"Session token expired\",\"statusCode\":401}"))
                .isEqualTo(FailureClass.AUTH);
        assertThat(copilot("{\"errorType\":\"model_call\",\"message\":\"upstream\",\"statusCode\":503}")).isEqualTo(FailureClass.OVERLOADED);
        assertThat(kind(CopilotAdapter.INSTANCE, err(1, "Error: No authentication information found.")))
                .isEqualTo(FailureClass.AUTH);
    }

    private static FailureClass copilot(String error) {
        return kind(CopilotAdapter.INSTANCE, out(1, "{\"type\":\"session.error\",\"data\":" + error + "}\n"
                + "{\"type\":\"result\",\"sessionId\":\"s\",\"exitCode\":1}"));
    }

    // --- Antigravity

    @Test
    void agyReadsItsEnvelopeBehindOtherLines() {
        AgentReply r = AgyAdapter.INSTANCE.parse(out(0, "Loaded 3 skills\n{\"conversation_id\":\"c-1\",\"status\":\"SUCCESS\","
                + "\"response\":\"Done.\",\"usage\":{\"input_tokens\":900,\"output_tokens\":40}}\n"));
        assertThat(r.answer()).isEqualTo("Done.");
        assertThat(r.sessionId()).isEqualTo("c-1");
        assertThat(r.inputTokens()).isEqualTo(900);
        assertThat(kind(AgyAdapter.INSTANCE, out(1, "{\"conversation_id\":\"c\",\"status\":\"ERROR\",\"error\":\"RESOURCE_EXHAUSTED: quota\"}")))
                .isEqualTo(FailureClass.USAGE_LIMIT);
        assertThat(kind(AgyAdapter.INSTANCE, out(1, "{\"status\":\"ERROR\",\"error\":\"UNAUTHENTICATED: not logged in\"}")))
                .isEqualTo(FailureClass.AUTH);
        assertThat(kind(AgyAdapter.INSTANCE, out(1, "{\"status\":\"ERROR\",\"error\":\"this workspace has not been trusted\"}")))
                .isEqualTo(FailureClass.WORKSPACE_NOT_TRUSTED);
    }

    private static FailureClass kind(ProviderAdapter cli, CliOutput o) {
        AgentReply r = cli.parse(o);
        assertThat(r.failure()).as("a failure from %s", o).isNotNull();
        return r.failure().kind();
    }
}
