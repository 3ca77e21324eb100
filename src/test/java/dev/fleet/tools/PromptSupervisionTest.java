package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ending prompts: stop_prompt takes the whole process tree of a CLI that ignores SIGTERM, and the
 * inactivity limit ends a CLI that went silent but never one that keeps working. Real processes,
 * locally and over SSH; the limits are short so the tests stay short.
 */
class PromptSupervisionTest {
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
        for (String cli : List.of("claude", "codex")) {
            TestHome.installFakeCli(memberHome, cli, cli + " 1.0");
            TestHome.installFakeCli(fleet.home.home(), cli, cli + " 1.0");
        }
        for (String cli : List.of("claude", "codex")) {
            assertThat(fleet.call("register_member", "friendly_name", "remote-" + cli, "member_type", "remote", "host", "127.0.0.1",
                    "port", sshd.port(), "username", TestSshServer.USER, "key_path", key.toString(), "llm_provider", cli,
                    "work_folder", memberHome.resolve("work-" + cli).toString()).isError()).isFalse();
            assertThat(fleet.call("register_member", "friendly_name", "local-" + cli, "member_type", "local", "llm_provider", cli,
                    "work_folder", tmp.resolve("local-" + cli).toString()).isError()).isFalse();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        sshd.close();
    }

    private Path state(String member) {
        String cli = member.substring(member.indexOf('-') + 1);
        return (member.startsWith("local") ? fleet.home.home() : memberHome).resolve(".fake-" + cli);
    }

    private void mode(String member, String mode) throws Exception {
        Files.writeString(state(member).resolve("mode"), mode);
    }

    private CompletableFuture<ToolResult> promptInBackground(String member, Object... more) {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("member_name", member, "prompt", "work for a long time"));
        for (int i = 0; i < more.length; i += 2) {
            args.put((String) more[i], more[i + 1]);
        }
        return CompletableFuture.supplyAsync(() -> fleet.fleet.tools().run("execute_prompt", args, ToolCall.NONE));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @SuppressWarnings("unchecked")
    private static String failureClass(ToolResult r) {
        Map<String, Object> failure = (Map<String, Object>) ((Map<String, Object>) r.structured()).get("failure");
        return failure == null ? null : (String) failure.get("class");
    }

    /**
     * The run folder is the CLI's to tamper with while it runs (it runs as the member's user): a CLI
     * that keeps putting a link in place of each poll's mark, then swaps its output files for links
     * to a file outside, gets nothing touched through the one nor read through the others.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local-claude", "remote-claude"})
    void aCliThatPlantsLinksInItsRunFolderGetsNothingTouchedOrReadThroughThem(String member) throws Exception {
        Path target = tmp.resolve("outside-" + member);
        Path secret = Files.writeString(Path.of(target + "-secret"), "SECRET-OUTSIDE-THE-FOLDERS\n");
        Files.writeString(state(member).resolve("tamper-target"), target.toString());
        mode(member, "tamper");

        ToolResult r = fleet.call("execute_prompt", "member_name", member, "prompt", "hello", "inactivity_timeout_ms", 2000,
                "timeout_ms", 60_000);

        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("Done: received").doesNotContain("SECRET-OUTSIDE");
        assertThat(Path.of(target + "-mark")).doesNotExist();
        assertThat(Files.readString(secret)).isEqualTo("SECRET-OUTSIDE-THE-FOLDERS\n");
    }

    /** A stop writes its reason beside a link planted in a run folder, never through it (one that leads nowhere included). */
    @ParameterizedTest
    @ValueSource(strings = {"local-claude", "remote-claude"})
    void stopPromptWritesItsReasonNeverThroughALinkInARunFolder(String member) throws Exception {
        Path home = member.startsWith("local") ? fleet.home.home() : memberHome;
        Path run = Files.createDirectories(home.resolve(".fleet-prompts/run-planted"));
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = (Map<String, Object>) fleet.call("member_detail", "member_name", member).structured();
        Files.writeString(run.resolve("member"), detail.get("id") + "\n");
        Path outside = tmp.resolve("outside-ended-by-" + member);
        Files.createSymbolicLink(run.resolve("ended-by"), outside);

        ToolResult stop = fleet.call("stop_prompt", "member_name", member);

        assertThat(stop.isError()).as(stop.text()).isFalse();
        assertThat(stop.text()).contains("before starting");
        assertThat(outside).doesNotExist();
        assertThat(Files.isSymbolicLink(run.resolve("ended-by"))).isFalse();
        assertThat(Files.readString(run.resolve("ended-by"))).isEqualTo("cancelled\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local-codex", "remote-codex", "remote-claude"})
    void stopPromptEndsACliThatIgnoresSigtermAndEverythingItStarted(String member) throws Exception {
        mode(member, "stubborn");
        CompletableFuture<ToolResult> running = promptInBackground(member);
        Path children = state(member).resolve("children.txt");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(children) && Files.readAllLines(children).size() >= 4);
        List<Long> pids = Files.readAllLines(children).stream().map(String::strip).map(Long::parseLong).toList();
        assertThat(pids).allMatch(PromptSupervisionTest::alive);

        ToolResult stop = fleet.call("stop_prompt", "member_name", member);
        assertThat(stop.isError()).as(stop.text()).isFalse();
        assertThat(stop.text()).contains("Stopped the prompt on " + member, "1 agent process tree ended", "'cancelled'");

        ToolResult result = running.get(30, TimeUnit.SECONDS);
        assertThat(result.isError()).isTrue();
        assertThat(failureClass(result)).isEqualTo("cancelled");
        assertThat(result.text()).contains("[cancelled]");
        await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(PromptSupervisionTest::alive));
    }

    @Test
    void stopPromptDoesNothingWhenNothingRuns() throws Exception {
        ToolResult stop = fleet.call("stop_prompt", "member_name", "remote-codex");
        assertThat(stop.isError()).isFalse();
        assertThat(stop.text()).isEqualTo("No prompt is running on remote-codex; nothing was stopped.");
        // A prompt that already finished is not touched either.
        assertThat(fleet.call("execute_prompt", "member_name", "local-codex", "prompt", "quick").isError()).isFalse();
        assertThat(fleet.call("stop_prompt", "member_name", "local-codex").text()).startsWith("No prompt is running");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local-codex", "remote-claude"})
    void aCliThatGoesSilentIsEndedAsStalled(String member) throws Exception {
        mode(member, "silent");
        ToolResult r = fleet.call("execute_prompt", "member_name", member, "prompt", "hang", "inactivity_timeout_ms", 2000);
        assertThat(failureClass(r)).as(r.text()).isEqualTo("stalled");
        assertThat(r.text()).contains("went silent", "inactivity_timeout_ms");
        assertThat(Files.readAllLines(state(member).resolve("calls.log"))).as("a stall is not retried").hasSize(1);
        String cli = member.substring(member.indexOf('-') + 1);
        // This test's own fake CLI only (its home is in this test's folder): other suites may run theirs meanwhile.
        String own = (member.startsWith("local") ? fleet.home.home() : memberHome).resolve(".local/bin/" + cli).toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(own)));
    }

    /**
     * Codex shows its work on stdout; Claude Code prints nothing until it ends and shows it only in
     * its session transcript. Either way a run busier than the limit is left alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local-codex", "remote-claude"})
    void aCliThatKeepsWorkingLongerThanTheLimitIsNotEnded(String member) throws Exception {
        mode(member, "chatty");
        Files.writeString(state(member).resolve("chatty-seconds"), "7");
        ToolResult r = fleet.call("execute_prompt", "member_name", member, "prompt", "busy", "inactivity_timeout_ms", 2500);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).startsWith("Done: received 4 bytes.");
    }

    @Test
    void theTotalLimitStillEndsABusyRun() throws Exception {
        mode("local-codex", "chatty");
        Files.writeString(state("local-codex").resolve("chatty-seconds"), "30");
        ToolResult r = fleet.call("execute_prompt", "member_name", "local-codex", "prompt", "busy", "timeout_ms", 2000,
                "inactivity_timeout_ms", 1000);
        assertThat(failureClass(r)).as(r.text()).isEqualTo("timeout");
    }
}
