package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * execute_prompt, provision_auth and the member tools with every agent CLI: a fake of each CLI
 * sits on the member's PATH (locally and behind the in-process SSH server), prints that CLI's
 * real output shapes and records its argv, stdin and environment.
 */
class ProviderPromptsTest {
    private static final String HOSTILE_PROMPT = "Fix it: 'quotes' \"double\" $(rm -rf /) `whoami` ; & | > <\n"
            + "second line\ttab \\ backslash — ünïcødé 日本語 🚀 --model evil -p\n";
    private static final List<String> CLIS = List.of("claude", "codex", "opencode", "copilot", "agy");

    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;
    Path memberHome;
    Path key;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
        memberHome = tmp.resolve("member-home");
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start();
        key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
        TestKeys.authorize(memberHome, key);
        for (String cli : CLIS) {
            TestHome.installFakeCli(memberHome, cli, cli + "-fake 9.1.0");
            TestHome.installFakeCli(fleet.home.home(), cli, cli + "-fake 9.1.0");
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        sshd.close();
    }

    private ToolResult register(String name, String where, String provider, Object... more) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("friendly_name", name);
        args.put("llm_provider", provider);
        if (where.equals("local")) {
            args.put("member_type", "local");
            args.put("work_folder", tmp.resolve("local-" + name).toString());
        } else {
            args.putAll(Map.of("member_type", "remote", "host", "127.0.0.1", "port", sshd.port(), "username", TestSshServer.USER,
                    "key_path", key.toString(), "work_folder", memberHome.resolve("work-" + name).toString()));
        }
        for (int i = 0; i < more.length; i += 2) {
            args.put((String) more[i], more[i + 1]);
        }
        ToolResult r = fleet.fleet.tools().run("register_member", args, ToolCall.NONE);
        assertThat(r.isError()).as(r.text()).isFalse();
        return r;
    }

    private Path state(String where, String cli) {
        return (where.equals("local") ? fleet.home.home() : memberHome).resolve(".fake-" + cli);
    }

    private List<String> argv(String where, String cli, int n) throws Exception {
        return Files.readAllLines(state(where, cli).resolve("argv-" + n + ".txt"));
    }

    private JsonNode registered(String name) throws Exception {
        for (JsonNode m : new ObjectMapper().readTree(fleet.home.dataDir().resolve("registry.json").toFile()).get("agents")) {
            if (m.get("friendlyName").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no member " + name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(ToolResult r) {
        return (Map<String, Object>) r.structured();
    }

    static Stream<Arguments> everyCliLocalAndRemote() {
        return CLIS.stream().flatMap(cli -> Stream.of(Arguments.of(cli, "local"), Arguments.of(cli, "remote")));
    }

    /** The arguments each CLI gets for a new prompt with unattended=false and no model. */
    private static List<String> firstCall(String cli) {
        return switch (cli) {
            case "claude" -> List.of("-p", "--output-format", "json", "--max-turns", "50", "--permission-mode", "acceptEdits");
            case "codex" -> List.of("exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "-");
            case "opencode" -> List.of("run", "--format", "json");
            case "copilot" -> List.of("--output-format=json", "--no-ask-user", "--allow-tool=write");
            default -> List.of("--output-format", "json", "--mode", "accept-edits");
        };
    }

    /** How each CLI is told to continue a session. */
    private static List<String> resumeArgs(String cli, String session) {
        return switch (cli) {
            case "claude" -> List.of("--resume", session);
            case "codex" -> List.of("resume", session);
            case "opencode" -> List.of("--session", session);
            case "copilot" -> List.of("--resume=" + session);
            default -> List.of("--conversation", session);
        };
    }

    @ParameterizedTest(name = "{0} on a {1} member")
    @MethodSource("everyCliLocalAndRemote")
    void aPromptRunsWithTheMembersCliAndComesBackInOneShape(String cli, String where) throws Exception {
        ToolResult reg = register("m", where, cli);
        assertThat(reg.text()).contains("provider:  " + cli, "agent CLI: " + cli + "-fake 9.1.0");

        String big = HOSTILE_PROMPT + "x".repeat(100 * 1024);
        ToolResult r = fleet.call("execute_prompt", "member_name", "m", "prompt", big, "unattended", false);
        assertThat(r.isError()).as(r.text()).isFalse();
        int bytes = big.getBytes(StandardCharsets.UTF_8).length;
        assertThat(r.text()).startsWith("Done: received " + bytes + " bytes.");
        Map<String, Object> d = data(r);
        assertThat(d).containsEntry("provider", cli).containsEntry("response", "Done: received " + bytes + " bytes.");
        assertThat((Long) d.get("inputTokens")).isPositive();
        assertThat((Long) d.get("outputTokens")).isPositive();
        String session = (String) d.get("sessionId");
        assertThat(session).isNotBlank();
        assertThat(registered("m").get("sessionId").asText()).isEqualTo(session);

        // The prompt arrived byte for byte, never on a command line; the CLI ran in the work folder.
        assertThat(Files.readString(state(where, cli).resolve("prompt-1.txt"), StandardCharsets.UTF_8)).isEqualTo(big);
        List<String> first = argv(where, cli, 1);
        assertThat(String.join("\n", first)).doesNotContain("rm -rf", "whoami", "xxxxxxxx");
        if (cli.equals("agy")) {
            assertThat(first.get(0)).isEqualTo("-p");
            assertThat(first.get(1)).matches("Your task is written in the file \\.fleet-prompt-[0-9a-f]+/prompt\\.md in the current folder\\..*");
            assertThat(first.subList(2, first.size())).isEqualTo(firstCall(cli));
        } else {
            assertThat(first).isEqualTo(firstCall(cli));
        }
        assertThat(Files.readString(state(where, cli).resolve("cwd-1.txt")).strip()).endsWith(where.equals("local") ? "local-m" : "work-m");
        assertThat(Files.readString(state(where, cli).resolve("env-1.txt"))).contains("FLEET_PROMPT_RUN=");

        ToolResult second = fleet.call("execute_prompt", "member_name", "m", "prompt", "go on", "model", "cheap", "unattended", "auto");
        assertThat(second.isError()).as(second.text()).isFalse();
        List<String> again = argv(where, cli, 2);
        assertThat(String.join(" ", again)).contains(String.join(" ", resumeArgs(cli, session)));
        assertThat(data(second)).containsEntry("resumed", true).containsEntry("tier", "cheap");
        String cheap = switch (cli) {
            case "claude" -> "haiku";
            case "codex" -> "gpt-5.4-mini";
            case "opencode" -> "opencode/north-mini-code-free";
            case "copilot" -> "claude-haiku-4.5";
            default -> "Gemini 3.5 Flash (Medium)";
        };
        assertThat(String.join("\n", again)).contains(cheap);

        fleet.call("execute_prompt", "member_name", "m", "prompt", "anew", "resume", false);
        assertThat(String.join(" ", argv(where, cli, 3))).doesNotContain(session);
        // No prompt file is left in the work folder, and no run folder on the member.
        Path folder = where.equals("local") ? tmp.resolve("local-m") : memberHome.resolve("work-m");
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".fleet-prompt"));
        }
        Path runs = (where.equals("local") ? fleet.home.home() : memberHome).resolve(".fleet-prompts");
        try (Stream<Path> left = Files.exists(runs) ? Files.list(runs) : Stream.empty()) {
            assertThat(left).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}: tokens and cost")
    @CsvSource({
        // cli, input tokens, output tokens, estimated cost (empty: no price)
        "claude, 150, 45, 0.001125",
        "codex, 1200, 345, ",
        "opencode, 2500, 140, ",
        "copilot, 4500, 160, ",
        "agy, 900, 40, "})
    void tokensAreCountedPerCliAndPricedOnlyForAKnownModel(String cli, long in, long out, Double cost) throws Exception {
        register("m", "local", cli);
        ToolResult r = fleet.call("execute_prompt", "member_name", "m", "prompt", "count");
        assertThat(data(r)).containsEntry("inputTokens", in).containsEntry("outputTokens", out);
        if (cost == null) {
            // Without a model from the member, the CLI picks its own (unreported) model: no price is guessed.
            assertThat(data(r).get("costUsd")).as(cli).isNull();
            assertThat(r.text()).contains("cost unknown");
        } else {
            assertThat((Double) data(r).get("costUsd")).isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-9));
        }
        ToolResult tiered = fleet.call("execute_prompt", "member_name", "m", "prompt", "count", "model", "cheap");
        if (cli.equals("codex") || cli.equals("opencode") || cli.equals("claude")) {
            assertThat(data(tiered).get("costUsd")).as(cli + " cheap tier is priced").isNotNull();
        }
        if (cli.equals("copilot")) {
            assertThat(tiered.text()).contains("1 premium request");
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("claude", "auth", "auth"), Arguments.of("claude", "limit", "usage_limit"),
                Arguments.of("claude", "server", "server"), Arguments.of("claude", "maxturns", "max_turns"),
                Arguments.of("codex", "auth", "auth"), Arguments.of("codex", "limit", "usage_limit"),
                Arguments.of("codex", "ratelimit", "usage_limit"), Arguments.of("codex", "overloaded", "overloaded"),
                Arguments.of("codex", "server", "server"), Arguments.of("codex", "untrusted", "workspace_not_trusted"),
                Arguments.of("codex", "fail", "other"),
                Arguments.of("opencode", "auth", "auth"), Arguments.of("opencode", "ratelimit", "usage_limit"),
                Arguments.of("opencode", "overloaded", "overloaded"), Arguments.of("opencode", "fail", "other"),
                Arguments.of("copilot", "auth", "auth"), Arguments.of("copilot", "quota", "usage_limit"),
                Arguments.of("copilot", "ratelimit", "usage_limit"), Arguments.of("copilot", "nologin", "auth"),
                Arguments.of("agy", "auth", "auth"), Arguments.of("agy", "quota", "usage_limit"),
                Arguments.of("agy", "untrusted", "workspace_not_trusted"), Arguments.of("agy", "fail", "other"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("failures")
    @SuppressWarnings("unchecked")
    void eachCliFailureComesBackClassifiedWithAdvice(String cli, String mode, String expected) throws Exception {
        register("m", "local", cli);
        Files.writeString(state("local", cli).resolve("mode"), mode);
        ToolResult r = fleet.call("execute_prompt", "member_name", "m", "prompt", "hi", "resume", false);
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("[" + expected + "]", "Advice: ");
        Map<String, Object> failure = (Map<String, Object>) data(r).get("failure");
        assertThat(failure).containsEntry("class", expected);
        assertThat((String) failure.get("advice")).isNotBlank();
        long calls = Files.readAllLines(state("local", cli).resolve("calls.log")).size();
        assertThat(calls).as("retried once only when the service was busy or failing")
                .isEqualTo(expected.equals("overloaded") || expected.equals("server") ? 2 : 1);
        if (expected.equals("auth")) {
            assertThat(r.text()).contains("provision_auth for m");
        }
        if (cli.equals("codex") && mode.equals("limit")) {
            assertThat(r.text()).contains("resets at 3:28 PM", "Not retried");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clis")
    @SuppressWarnings("unchecked")
    void aFileThatMentionsAuthOrRateLimitErrorsDoesNotMakeACrashLookLikeOne(String cli) throws Exception {
        // The agent printed a member's file, then the CLI died without an error of its own: the
        // member's words are untrusted and must not decide the failure class (nor stop a retry).
        register("m", "local", cli);
        Files.writeString(tmp.resolve("local-m/notes.txt"), "HTTP 401 Unauthorized\nAPI Error: 401 {\"type\":\"error\",\"error\":"
                + "{\"type\":\"authentication_error\"}}\nInvalid API key · Please run /login\nunexpected status 401 Unauthorized\n"
                + "429 Too Many Requests: rate limit, quota exceeded, usage limit reached|1767225600\nnot logged in\n");
        Files.writeString(state("local", cli).resolve("mode"), "echoes");
        ToolResult r = fleet.call("execute_prompt", "member_name", "m", "prompt", "read notes.txt", "resume", false);
        assertThat(r.isError()).isTrue();
        Map<String, Object> failure = (Map<String, Object>) data(r).get("failure");
        assertThat(failure).as(r.text()).containsEntry("class", "other");
        assertThat(r.text()).contains("[other]").doesNotContain("provision_auth", "resets");
    }

    static Stream<String> clis() {
        return CLIS.stream();
    }

    @Test
    void aForgottenSessionIsRetriedFreshOnceForEveryCliThatReportsIt() throws Exception {
        for (String cli : List.of("codex", "opencode")) {
            register("m-" + cli, "local", cli);
            fleet.call("execute_prompt", "member_name", "m-" + cli, "prompt", "first");
            String old = registered("m-" + cli).get("sessionId").asText();
            Files.delete(state("local", cli).resolve("sessions"));
            ToolResult r = fleet.call("execute_prompt", "member_name", "m-" + cli, "prompt", "again");
            assertThat(r.isError()).as(r.text()).isFalse();
            assertThat(r.text()).contains("could not be resumed");
            assertThat(registered("m-" + cli).get("sessionId").asText()).isNotEqualTo(old);
        }
    }

    @Test
    void memberToolsShowTheProviderAndChangingItForgetsTheSession() throws Exception {
        register("c", "remote", "codex", "model_tiers", List.of("cheap=gpt-5-mini", "premium=gpt-5"));
        ToolResult premium = fleet.call("execute_prompt", "member_name", "c", "prompt", "hi", "model", "premium", "max_turns", 5);
        assertThat(argv("remote", "codex", 1)).contains("gpt-5");
        assertThat(premium.text()).contains("Note: Codex CLI has no turn limit; max_turns was not applied.");
        assertThat(fleet.call("execute_prompt", "member_name", "c", "prompt", "hi").text()).doesNotContain("max_turns");
        assertThat(registered("c").get("llmProvider").asText()).isEqualTo("codex");
        assertThat(registered("c").get("modelTiers").get("cheap").asText()).isEqualTo("gpt-5-mini");

        assertThat(fleet.call("list_members").text()).contains("agent:     codex (tiers: cheap=gpt-5-mini, premium=gpt-5)");
        assertThat(fleet.call("member_detail", "member_name", "c").text()).contains("agent CLI: codex-fake 9.1.0", "agent:     codex");
        ToolResult status = fleet.call("fleet_status", "format", "json");
        assertThat(status.text()).contains("\"llmProvider\" : \"codex\"");
        assertThat(fleet.call("fleet_status").text()).containsPattern("c\\s+remote\\s+online\\s+\\S+\\s+codex");

        assertThat(registered("c").has("sessionId")).isTrue();
        ToolResult changed = fleet.call("update_member", "member_name", "c", "llm_provider", "opencode");
        assertThat(changed.text()).contains("llm_provider (stored session cleared)");
        assertThat(registered("c").has("sessionId")).isFalse();
        assertThat(registered("c").get("llmProvider").asText()).isEqualTo("opencode");

        assertThat(fleet.call("update_member", "member_name", "c", "model_tiers", List.of("fast=x")).text())
                .contains("model_tiers", "tier=model");
        assertThat(fleet.call("update_member", "member_name", "c", "model_tiers", List.of("cheap=a", "cheap=b")).text())
                .contains("names tier cheap twice");
        assertThat(fleet.call("update_member", "member_name", "c", "llm_provider", "gemini").text())
                .contains("llm_provider must be one of claude, codex, opencode, copilot, agy, none");
    }

    @Test
    void aCommandOnlyMemberRunsCommandsButNoPrompts() throws Exception {
        ToolResult reg = register("cmd", "local", "none");
        assertThat(reg.text()).contains("agent CLI: none (commands only)").doesNotContain("not found on the member");
        ToolResult p = fleet.call("execute_prompt", "member_name", "cmd", "prompt", "hi");
        assertThat(p.isError()).isTrue();
        assertThat(p.text()).contains("llm_provider=none", "update_member");
        assertThat(fleet.call("execute_command", "member_name", "cmd", "command", "echo fine").text()).contains("fine");
        assertThat(fleet.call("update_llm_cli", "member_name", "cmd").text()).contains("skipped (llm_provider none");
    }

    @Test
    void aMissingCliIsReportedWithHowToInstallItAndUpdateLlmCliInstallsIt() throws Exception {
        Files.delete(memberHome.resolve(".local/bin/codex"));
        ToolResult reg = register("cx", "remote", "codex");
        assertThat(reg.text()).contains("Codex CLI (codex) not found", "update_llm_cli", "npm install -g @openai/codex");

        assertThat(fleet.call("update_llm_cli", "member_name", "cx").text()).contains("codex not installed", "install_if_missing");
        Path npm = memberHome.resolve(".local/bin/npm");
        Files.writeString(npm, "#!/bin/sh\necho \"npm $*\" >> \"$HOME/npm.log\"\n"
                + "cp '" + fleet.home.home().resolve(".local/bin/codex") + "' \"$HOME/.local/bin/codex\"\necho added 1 package\n");
        Files.setPosixFilePermissions(npm, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(fleet.call("update_llm_cli", "member_name", "cx", "install_if_missing", true).text())
                .contains("cx: installed codex-fake 9.1.0");
        assertThat(Files.readString(memberHome.resolve("npm.log"))).contains("npm install -g @openai/codex");
        // Codex has no self-update: the latest package is installed again.
        fleet.call("update_claude", "member_name", "cx");
        assertThat(Files.readString(memberHome.resolve("npm.log"))).contains("npm install -g @openai/codex@latest");
    }

    @Test
    void anApiKeyGoesIntoTheClisOwnVariableSealedAndNeverOnACommandLine() throws Exception {
        register("cx", "remote", "codex");
        String key = "sk-proj-" + "Zx9Yw8Vu7".repeat(5);
        ToolResult r = fleet.call("provision_llm_auth", "member_name", "cx", "api_key", key);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("CODEX_API_KEY", "Verified").doesNotContain(key);
        // The verification prompt got the key in CODEX_API_KEY (sent sealed with the prompt), not in its arguments.
        assertThat(Files.readAllLines(state("remote", "codex").resolve("env-1.txt"))).contains("CODEX_API_KEY=" + key);
        assertThat(Files.readString(state("remote", "codex").resolve("argv-1.txt"))).doesNotContain(key);
        String registry = Files.readString(fleet.home.dataDir().resolve("registry.json"));
        assertThat(registry).doesNotContain(key).contains("\"variable\" : \"CODEX_API_KEY\"");
        assertThat(Files.readString(memberHome.resolve(".apra-fleet-keys"))).contains("export CODEX_API_KEY=");
        assertThat(Files.readString(memberHome.resolve(".profile"))).doesNotContain(key).contains(".apra-fleet-keys");
        assertThat(fleet.call("list_members").text()).contains("API key stored (CODEX_API_KEY)").doesNotContain(key);

        // Every later prompt gets it too, even from a shell that reads no profile.
        Files.writeString(memberHome.resolve(".profile"), "");
        Files.delete(memberHome.resolve(".apra-fleet-keys"));
        fleet.call("execute_prompt", "member_name", "cx", "prompt", "hi");
        assertThat(Files.readAllLines(state("remote", "codex").resolve("env-2.txt"))).contains("CODEX_API_KEY=" + key);

        // A key an earlier fleet sealed with the host-derived key still reaches the CLI, and is sealed again.
        Path registryFile = fleet.home.dataDir().resolve("registry.json");
        String current = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registryFile.toFile()).get("agents").get(0)
                .findValue("sealed").asText();
        String old = dev.fleet.testing.LegacySeal.seal(key, fleet.home.dataDir().resolve("salt"),
                dev.fleet.security.SecretBox.localMachineIdentity());
        Files.writeString(registryFile, Files.readString(registryFile).replace(current, old));
        fleet.call("execute_prompt", "member_name", "cx", "prompt", "hi again");
        assertThat(Files.readAllLines(state("remote", "codex").resolve("env-3.txt"))).contains("CODEX_API_KEY=" + key);
        String resealed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registryFile.toFile()).get("agents").get(0)
                .findValue("sealed").asText();
        assertThat(resealed).startsWith("v2:");
        assertThat(Files.readString(registryFile)).doesNotContain(old).doesNotContain(key);
    }

    @Test
    void copilotTakesATokenWithoutABilledCheckAndOpenCodeTakesNoKey() throws Exception {
        register("cp", "remote", "copilot");
        String token = "github_pat_" + "11ABCDEFG".repeat(4);
        ToolResult r = fleet.call("provision_auth", "member_name", "cp", "api_key", token);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("COPILOT_GITHUB_TOKEN", "not verified with a prompt", "premium request").doesNotContain(token);
        assertThat(state("remote", "copilot").resolve("calls.log")).doesNotExist();

        register("oc", "remote", "opencode");
        ToolResult oc = fleet.call("provision_auth", "member_name", "oc", "api_key", "k".repeat(30));
        assertThat(oc.isError()).isTrue();
        assertThat(oc.text()).contains("OpenCode takes no API key", "opencode auth login");
    }

    @Test
    void loginFilesAreCopiedForTheMembersCliAndRemovedWithTheMember() throws Exception {
        register("cx", "remote", "codex");
        Path auth = Files.createDirectories(fleet.home.home().resolve(".codex")).resolve("auth.json");
        Files.writeString(auth, "{\"tokens\":{\"access_token\":\"secret-access\",\"refresh_token\":\"secret-refresh\"}}");
        ToolResult r = fleet.call("provision_auth", "member_name", "cx");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("~/.codex/auth.json (0600)", "Verified").doesNotContain("secret-access");
        Path copied = memberHome.resolve(".codex/auth.json");
        assertThat(Files.readString(copied)).contains("secret-access");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copied))).isEqualTo("rw-------");

        fleet.call("remove_member", "member_name", "cx");
        assertThat(copied).doesNotExist();
    }
}
