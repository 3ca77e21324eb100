package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * execute_prompt, provision_auth and update_claude with a fake agent CLI, on a local member and on
 * a remote member (in-process SSH server whose user has a home of its own).
 */
class PromptToolsTest {
    private static final String HOSTILE_PROMPT = "Fix it: 'quotes' \"double\" $(rm -rf /) `whoami` ; & | > <\n"
            + "second line\ttab \\ backslash — ünïcødé 日本語 🚀\n";

    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;
    Path memberHome;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
        memberHome = tmp.resolve("member-home");
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start();
        Path key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
        TestKeys.authorize(memberHome, key);
        TestHome.installFakeAgentCli(memberHome, "1.0.0");
        fleet.home.installFakeAgentCli("1.0.0");
        assertThat(fleet.call("register_member", "friendly_name", "remote", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "key_path", key.toString(),
                "work_folder", memberHome.resolve("work").toString()).isError()).isFalse();
        fleet.registerLocal("local", tmp.resolve("local-work"));
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        sshd.close();
    }

    /** The fake agent's state folder of a member: the PM's home for local, the member's for remote. */
    private Path state(String member) {
        return (member.equals("local") ? fleet.home.home() : memberHome).resolve(".fake-claude");
    }

    private void mode(String member, String mode) throws Exception {
        Files.writeString(Files.createDirectories(state(member)).resolve("mode"), mode + "\n");
    }

    private List<String> calls(String member) throws Exception {
        Path log = state(member).resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private String storedSession(String member) throws Exception {
        for (var m : new ObjectMapper().readTree(fleet.home.dataDir().resolve("registry.json").toFile()).get("agents")) {
            if (m.get("friendlyName").asText().equals(member)) {
                return m.has("sessionId") ? m.get("sessionId").asText() : null;
            }
        }
        throw new AssertionError("no member " + member);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aPromptArrivesByteForByteAndTheAnswerComesBackWithItsMeta(String member) throws Exception {
        String big = HOSTILE_PROMPT + "x".repeat(100 * 1024);
        ToolResult r = fleet.call("execute_prompt", "member_name", member, "prompt", big, "model", "sonnet",
                "max_turns", 7, "dangerously_skip_permissions", true);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(Files.readString(state(member).resolve("prompt-1.txt"), StandardCharsets.UTF_8)).isEqualTo(big);
        assertThat(r.text()).contains("Done: received " + big.getBytes(StandardCharsets.UTF_8).length + " bytes.",
                "tokens 150 in / 45 out", "~$0.0011", "the CLI reports $0.0123", "2 turns");
        assertThat(calls(member).get(0)).isEqualTo("-p --output-format json --max-turns 7 --model sonnet --dangerously-skip-permissions");
        String session = storedSession(member);
        assertThat(session).isNotBlank();
        assertThat(r.text()).contains("session " + session.substring(0, 8));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) r.structured();
        // 150 input tokens at $3 and 45 output tokens at $15 per million (sonnet, from the shipped table).
        assertThat(data).containsEntry("sessionId", session).containsEntry("provider", "claude").containsEntry("cliReportedCostUsd", 0.0123);
        assertThat((Double) data.get("costUsd")).isCloseTo(0.001125, org.assertj.core.data.Offset.offset(1e-9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void theNextPromptResumesTheStoredSessionUnlessToldNot(String member) throws Exception {
        fleet.call("execute_prompt", "member_name", member, "prompt", "first");
        String session = storedSession(member);
        fleet.call("execute_prompt", "member_name", member, "prompt", "second");
        assertThat(calls(member).get(1)).contains("--resume " + session);
        fleet.call("execute_prompt", "member_name", member, "prompt", "third", "resume", false);
        assertThat(calls(member).get(2)).doesNotContain("--resume");
    }

    @Test
    void aSessionTheCliForgotIsRetriedOnceAsAFreshSessionAndReplaced() throws Exception {
        fleet.call("execute_prompt", "member_name", "remote", "prompt", "first");
        String old = storedSession("remote");
        Files.delete(state("remote").resolve("sessions"));
        ToolResult r = fleet.call("execute_prompt", "member_name", "remote", "prompt", "again");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("could not be resumed", "fresh session");
        assertThat(calls("remote")).hasSize(3);
        assertThat(calls("remote").get(1)).contains("--resume " + old);
        assertThat(calls("remote").get(2)).doesNotContain("--resume");
        assertThat(storedSession("remote")).isNotEqualTo(old);
    }

    @Test
    void authAndRateLimitFailuresAreExplainedAndNotRetried() throws Exception {
        mode("remote", "auth");
        ToolResult auth = fleet.call("execute_prompt", "member_name", "remote", "prompt", "hi");
        assertThat(auth.isError()).isTrue();
        assertThat(auth.text()).contains("not logged in", "/login", "provision_auth for remote", "[auth]");
        assertThat(calls("remote")).hasSize(1);

        mode("remote", "ratelimit");
        ToolResult limit = fleet.call("execute_prompt", "member_name", "remote", "prompt", "hi");
        assertThat(limit.text()).contains("usage limit reached", "resets at 2026-01-01 00:00 UTC", "Not retried", "[usage_limit]");
        assertThat(calls("remote")).hasSize(2);
    }

    @Test
    void anOverloadedServiceGetsExactlyOneRetry() throws Exception {
        mode("local", "overloaded-once");
        ToolResult recovered = fleet.call("execute_prompt", "member_name", "local", "prompt", "hi");
        assertThat(recovered.isError()).as(recovered.text()).isFalse();
        assertThat(calls("local")).hasSize(2);

        mode("local", "overloaded");
        ToolResult failed = fleet.call("execute_prompt", "member_name", "local", "prompt", "hi", "resume", false);
        assertThat(failed.text()).contains("overloaded", "retried once");
        assertThat(calls("local")).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "remote"})
    void aTimeoutEndsTheAgentProcessAndSaysSo(String member) throws Exception {
        mode(member, "slow");
        ToolResult r = fleet.call("execute_prompt", "member_name", member, "prompt", "take your time", "timeout_ms", 1500);
        assertThat(r.text()).contains("Time limit reached", "agent process was ended", "timeout_ms=1500", "[timeout]");
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(state(member).getParent().toString() + "/.local/bin/claude")));
    }

    @Test
    void otherFailuresShowTheCliOutput() throws Exception {
        mode("local", "fail");
        assertThat(fleet.call("execute_prompt", "member_name", "local", "prompt", "hi").text())
                .contains("failed [other]", "something unexpected happened", "(exit 3)");
    }

    @Test
    void provisionCopiesThisMachinesLoginPrivatelyAndVerifiesIt() throws Exception {
        writePmCredentials(Instant.now().plus(Duration.ofDays(30)), "refresh-token-value");
        ToolResult r = fleet.call("provision_auth", "member_name", "remote");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("copied", "Verified").doesNotContain("access-token-value", "refresh-token-value");
        Path copied = memberHome.resolve(".claude/.credentials.json");
        assertThat(Files.readString(copied)).contains("access-token-value");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copied))).isEqualTo("rw-------");
        assertThat(calls("remote").get(0)).contains("--max-turns 1");
        // The member may print its copy: the tokens in it are starred like its password.
        ToolResult printed = fleet.call("execute_command", "member_name", "remote", "command", "cat ~/.claude/.credentials.json");
        assertThat(printed.text()).contains("accessToken", "expiresAt").doesNotContain("access-token-value", "refresh-token-value");

        fleet.call("remove_member", "member_name", "remote");
        assertThat(copied).doesNotExist();
    }

    /**
     * An SSH member on 127.0.0.1 whose home is this machine's home is this machine's own account:
     * its login is the user's own, so provision_auth copies and marks nothing, and remove_member
     * deletes nothing, even when an earlier fleet had marked the file as copied.
     */
    /** By whatever address it is reached: fleet looks for a file it made in this home, not at the address. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::ffff:127.0.0.1"})
    void aMemberThatIsThisMachinesOwnAccountOverSshKeepsItsLogin(String address) throws Exception {
        writePmCredentials(Instant.now().plus(Duration.ofDays(30)), "refresh-token-value");
        Path own = fleet.home.home().resolve(".claude/.credentials.json");
        String login = Files.readString(own);
        try (TestSshServer self = new TestSshServer(fleet.home, tmp.resolve("self-sshd")).start()) {
            Path key = TestKeys.write(tmp.resolve("keys/self"), "ssh-ed25519", 256, null);
            TestKeys.authorize(fleet.home.home(), key);
            ToolResult reg = fleet.call("register_member", "friendly_name", "self", "member_type", "remote", "host", address,
                    "port", self.port(), "username", TestSshServer.USER, "key_path", key.toString(),
                    "work_folder", tmp.resolve("self-work").toString());
            assertThat(reg.isError()).as(reg.text()).isFalse();

            ToolResult r = fleet.call("provision_auth", "member_name", "self");
            assertThat(r.isError()).as(r.text()).isFalse();
            assertThat(r.text()).contains("this machine's own account");
            assertThat(fleet.home.home().resolve(".claude/.fleet-provisioned")).doesNotExist();
            try (var left = Files.list(fleet.home.home())) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".fleet-same-home"));
            }

            // As an earlier fleet left it: the user's own login marked as copied.
            Files.createFile(fleet.home.home().resolve(".claude/.fleet-provisioned"));
            ToolResult removed = fleet.call("remove_member", "member_name", "self");
            assertThat(removed.isError()).as(removed.text()).isFalse();
            assertThat(own).hasContent(login);
        }
    }

    @Test
    void anExpiredLoginThatCannotRefreshIsRefusedAndANearExpiryIsFlagged() throws Exception {
        writePmCredentials(Instant.now().minus(Duration.ofHours(1)), null);
        ToolResult expired = fleet.call("provision_auth", "member_name", "remote");
        assertThat(expired.isError()).isTrue();
        assertThat(expired.text()).contains("expired", "cannot refresh", "/login");
        assertThat(memberHome.resolve(".claude/.credentials.json")).doesNotExist();

        writePmCredentials(Instant.now().plus(Duration.ofHours(3)), null);
        assertThat(fleet.call("provision_auth", "member_name", "remote").text()).contains("Warning:", "within a day");
    }

    /**
     * Links planted on the member (by a build script of a cloned repository, say) under the names
     * provision_auth writes, pointing at a file outside (standing for the user's ~/.bashrc): the
     * login and the key land in fresh owner-only files, never in the file behind a link; a link
     * in place of fleet's key file fails the call, saying so, with the key shown nowhere.
     */
    @Test
    void provisionWritesNoSecretThroughLinksPlantedOnTheMember() throws Exception {
        Path outside = Files.writeString(tmp.resolve("users-bashrc"), "alias ll='ls -l'\n");
        Files.createSymbolicLink(Files.createDirectories(memberHome.resolve(".claude")).resolve(".credentials.json.fleet-tmp"), outside);
        Files.createSymbolicLink(memberHome.resolve(".apra-fleet-keys.fleet-tmp"), outside);
        writePmCredentials(Instant.now().plus(Duration.ofDays(30)), "refresh-token-value");
        String key = "sk-ant-api03-" + "Z9y8X7w6".repeat(6);

        ToolResult login = fleet.call("provision_auth", "member_name", "remote");
        ToolResult keyed = fleet.call("provision_auth", "member_name", "remote", "api_key", key);
        assertThat(login.isError()).as(login.text()).isFalse();
        assertThat(keyed.isError()).as(keyed.text()).isFalse();
        assertThat(outside).hasContent("alias ll='ls -l'");
        assertThat(Files.readString(memberHome.resolve(".claude/.credentials.json"))).contains("access-token-value");
        assertThat(Files.readString(memberHome.resolve(".apra-fleet-keys"))).contains(key);
        for (Path secret : List.of(memberHome.resolve(".claude/.credentials.json"), memberHome.resolve(".apra-fleet-keys"))) {
            assertThat(Files.isSymbolicLink(secret)).as(secret.toString()).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).as(secret.toString()).isEqualTo("rw-------");
        }

        Files.delete(memberHome.resolve(".apra-fleet-keys"));
        Files.createSymbolicLink(memberHome.resolve(".apra-fleet-keys"), outside);
        ToolResult refused = fleet.call("provision_auth", "member_name", "remote", "api_key", key);
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("symbolic link").doesNotContain(key);
        assertThat(outside).hasContent("alias ll='ls -l'");
    }

    @Test
    void anApiKeyIsPersistedOnceAndNeverShown() throws Exception {
        String key = "sk-ant-api03-" + "A1b2C3d4".repeat(6);
        Files.writeString(Files.createDirectories(memberHome).resolve(".bashrc"), "# user's bashrc\nalias ll='ls -l'\n");
        ToolResult first = fleet.call("provision_auth", "member_name", "remote", "api_key", key);
        ToolResult second = fleet.call("provision_auth", "member_name", "remote", "api_key", key);
        assertThat(first.isError()).as(first.text()).isFalse();
        assertThat(first.text() + second.text()).doesNotContain(key).contains("Verified");
        // Once, in a file only the member's user can read, which each profile sources (a profile is
        // usually readable by every user of the machine).
        Path keys = memberHome.resolve(".apra-fleet-keys");
        assertThat(Files.readString(keys).split(key, -1)).hasSize(2);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
        for (String profile : new String[] {".profile", ".bashrc"}) {
            String content = Files.readString(memberHome.resolve(profile));
            assertThat(content).as(profile).doesNotContain(key);
            assertThat(content.split("apra-fleet-keys\" ]", -1)).as(profile).hasSize(2);
        }
        assertThat(Files.readString(memberHome.resolve(".bashrc"))).contains("alias ll='ls -l'");
        // The key reaches the CLI's variable (sent sealed with the prompt), never its command line.
        assertThat(Files.readAllLines(state("remote").resolve("env-1.txt"))).contains("ANTHROPIC_API_KEY=" + key);
        assertThat(Files.readString(state("remote").resolve("argv-1.txt"))).doesNotContain(key);

        fleet.call("remove_member", "member_name", "remote");
        assertThat(Files.readString(memberHome.resolve(".bashrc"))).doesNotContain("apra-fleet").contains("alias ll='ls -l'");
        assertThat(keys).doesNotExist();
        assertThat(fleet.call("provision_auth", "member_name", "local", "api_key", "short").text())
                .contains("api_key must be an API key").doesNotContain("short'");
    }

    @Test
    void updateClaudeReportsOldAndNewVersionsOnEveryMember() throws Exception {
        ToolResult all = fleet.call("update_claude");
        assertThat(all.text()).contains("remote: 1.0.0 (Claude Code) -> 2.0.0 (Claude Code)",
                "local: 1.0.0 (Claude Code) -> 2.0.0 (Claude Code)");

        Files.delete(memberHome.resolve(".local/bin/claude"));
        assertThat(fleet.call("update_claude", "member_name", "remote").text()).contains("not installed", "install_if_missing");
        Path npm = memberHome.resolve(".local/bin/npm");
        Files.writeString(npm, "#!/bin/sh\ncp '" + fleet.home.home().resolve(".local/bin/claude") + "' \"$HOME/.local/bin/claude\"\n"
                + "echo added 1 package\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(fleet.call("update_claude", "member_name", "remote", "install_if_missing", true).text())
                .contains("remote: installed 2.0.0 (Claude Code)");
    }

    private void writePmCredentials(Instant expiresAt, String refreshToken) throws Exception {
        Path file = Files.createDirectories(fleet.home.home().resolve(".claude")).resolve(".credentials.json");
        Files.writeString(file, "{\"claudeAiOauth\":{\"accessToken\":\"access-token-value\","
                + (refreshToken == null ? "" : "\"refreshToken\":\"" + refreshToken + "\",")
                + "\"expiresAt\":" + expiresAt.toEpochMilli() + ",\"scopes\":[\"user:inference\"]}}");
    }
}
