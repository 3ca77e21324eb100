package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools of a local member, run through the same runner the MCP server uses. */
class LocalMemberToolsTest {
    @TempDir
    Path tmp;
    FleetHarness fleet;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
        work = tmp.resolve("work");
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    private JsonNode registry() throws Exception {
        return new ObjectMapper().readTree(fleet.home.dataDir().resolve("registry.json").toFile());
    }

    @Test
    void registersALocalMemberCreatesItsFolderAndStoresItPrivately() throws Exception {
        fleet.home.installFakeAgentCli("2.0.14");
        ToolResult r = fleet.registerLocal("builder", work);

        assertThat(r.text()).contains("Registered member builder", "linux", work.toString(), "2.0.14");
        assertThat(Files.isDirectory(work)).isTrue();
        JsonNode member = registry().get("agents").get(0);
        assertThat(member.get("friendlyName").asText()).isEqualTo("builder");
        assertThat(member.get("agentType").asText()).isEqualTo("local");
        assertThat(member.get("workFolder").asText()).isEqualTo(work.toString());
        assertThat(member.get("os").asText()).isEqualTo("linux");
        assertThat(registry().get("version").asText()).isEqualTo("1.0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.home.dataDir().resolve("registry.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.home.dataDir()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.home.dataDir().resolve("registry.lock"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aMissingAgentCliIsAWarningNotAFailure() {
        ToolResult r = fleet.registerLocal("no-agent", work);
        assertThat(r.isError()).isFalse();
        assertThat(r.text()).contains("Warnings:", "Claude Code (claude) not found", "update_llm_cli");
    }

    @Test
    void refusesDuplicateNamesAndDuplicateFoldersAndChangesNothing() throws Exception {
        fleet.registerLocal("one", work);
        String before = Files.readString(fleet.home.dataDir().resolve("registry.json"));

        ToolResult sameName = fleet.call("register_member", "friendly_name", "one", "member_type", "local",
                "work_folder", tmp.resolve("other").toString());
        ToolResult sameFolder = fleet.call("register_member", "friendly_name", "two", "member_type", "local",
                "work_folder", work + "/");

        assertThat(sameName.isError()).isTrue();
        assertThat(sameName.text()).contains("friendly_name", "already taken");
        assertThat(sameFolder.isError()).isTrue();
        assertThat(sameFolder.text()).contains("work_folder", "already the folder of member one");
        assertThat(Files.readString(fleet.home.dataDir().resolve("registry.json"))).isEqualTo(before);
        assertThat(Files.exists(tmp.resolve("other"))).isFalse();
    }

    @Test
    void badInputNamesTheParameterAndTheRule() {
        assertThat(fleet.call("register_member", "friendly_name", "bad name!", "member_type", "local",
                "work_folder", work.toString()).text()).contains("friendly_name", "1 to 64 characters");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "local").text())
                .contains("work_folder is required");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "local",
                "work_folder", "relative/path").text()).contains("work_folder", "absolute path");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "cloud",
                "work_folder", work.toString()).text()).contains("member_type", "one of local, remote");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote", "port", 70000,
                "work_folder", work.toString()).text()).contains("port", "from 1 to 65535");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "local", "port", "22",
                "work_folder", work.toString()).text()).contains("port", "whole number");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "local", "host", "h",
                "work_folder", work.toString()).text()).contains("host", "remote members only");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote",
                "cloud_instance_id", "i-xyz", "work_folder", work.toString()).text()).contains("cloud_instance_id", "hex");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote",
                "cloud_idle_timeout_min", 0, "work_folder", work.toString()).text()).contains("cloud_idle_timeout_min", "from 1 to 1440");
        assertThat(fleet.call("execute_command", "member_name", "nobody", "command", "true").text())
                .contains("member_name", "does not match any registered member");
        assertThat(fleet.call("execute_command", "command", "true").text()).contains("member_id", "member_name is required");
        assertThat(fleet.call("list_members", "verbose", true).text()).contains("verbose", "is not a parameter");
        // A command of spaces would run nothing and report success (a task of it "completed").
        assertThat(fleet.call("execute_command", "member_name", "x", "command", " \n\t ").text())
                .contains("command must hold a command, not only spaces");
        assertThat(fleet.call("execute_command", "member_name", "x", "command", "true", "long_running", true,
                "restart_command", "  ").text()).contains("restart_command must hold a command, not only spaces");
        assertThat(Files.exists(fleet.home.dataDir().resolve("registry.json"))).isFalse();
        assertThat(Files.exists(work)).isFalse();
    }

    @Test
    void executesInTheWorkFolderWithExitCodeAndBothStreams() throws Exception {
        fleet.registerLocal("exec", work);
        ToolResult r = fleet.call("execute_command", "member_name", "exec", "command", "pwd; echo out; echo err >&2; exit 3");
        assertThat(r.isError()).isFalse();
        assertThat(r.text()).contains("Exit code 3", work.toString(), "out", "--- stderr ---", "err");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) r.structured();
        assertThat(data).containsEntry("exitCode", 3).containsEntry("timedOut", false);

        Path sub = Files.createDirectories(tmp.resolve("elsewhere"));
        assertThat(fleet.call("execute_command", "member_name", "exec", "command", "pwd", "work_folder", sub.toString()).text())
                .contains(sub.toString());
    }

    @Test
    void commandsRunInTheUsersLoginEnvironmentNotTheServers() throws Exception {
        fleet.registerLocal("env", work);
        ToolResult r = fleet.call("execute_command", "member_name", "env", "command", "env");
        assertThat(r.text()).contains("HOME=" + fleet.home.home()).doesNotContain("FLEET_LEAK_CHECK", "CLAUDECODE");
    }

    @Test
    void aTimeoutEndsTheWholeProcessTreeAndSaysSo() throws Exception {
        fleet.registerLocal("slow", work);
        Path marker = work.resolve("survivor");
        ToolResult r = fleet.call("execute_command", "member_name", "slow", "timeout_ms", 300,
                "command", "(sleep 1; touch " + marker + ") & sleep 30");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("Timed out after 300 ms", "every process it started were ended");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(marker));
    }

    @Test
    void largeOutputIsCappedAndKeptWholeInAFile() throws Exception {
        fleet.registerLocal("loud", work);
        ToolResult r = fleet.call("execute_command", "member_name", "loud", "command",
                "head -c 3000000 /dev/zero | tr '\\0' a; printf END");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) r.structured();
        String full = (String) data.get("stdoutFullPath");
        assertThat(full).isNotNull();
        assertThat(Files.size(Path.of(full))).isEqualTo(3_000_003L);
        assertThat((String) data.get("stdout")).hasSizeLessThanOrEqualTo(50 * 1024).endsWith("END");
        assertThat(r.text()).contains("3000003 bytes", full);
    }

    @Test
    void everyToolCallOnAMemberRecordsLastUsed() throws Exception {
        fleet.registerLocal("touchy", work);
        String first = registry().get("agents").get(0).get("lastUsed").asText();
        Thread.sleep(5); // the clock must move for the new time to differ
        fleet.call("execute_command", "member_name", "touchy", "command", "true");
        await().atMost(Duration.ofSeconds(5)).until(() -> !registry().get("agents").get(0).get("lastUsed").asText().equals(first));
    }

    @Test
    void listUpdateResetAndRemove() throws Exception {
        fleet.registerLocal("alpha", work);
        String id = registry().get("agents").get(0).get("id").asText();

        ToolResult renamed = fleet.call("update_member", "member_id", id, "friendly_name", "beta", "icon", "🚀",
                "git_access", "push", "git_repos", List.of("acme/app"));
        assertThat(renamed.text()).contains("Updated member beta", "friendly_name", "icon", "git_access");
        assertThat(fleet.call("list_members").text()).contains("🚀 beta", id, "push acme/app");
        assertThat(fleet.call("update_member", "member_name", "beta", "host", "example.org").text())
                .contains("host", "remote members only");
        // A refused password changes nothing: not even the key file of a fleet that stored no secret yet.
        assertThat(fleet.call("update_member", "member_name", "beta", "password", "never-stored-pw").text())
                .contains("password", "remote members only");
        assertThat(fleet.home.dataDir().resolve("secret.key")).doesNotExist();
        assertThat(fleet.call("update_member", "member_id", id, "member_name", "alpha").text())
                .contains("member_name", "different member");

        // A session stored by a previous prompt (written as another fleet version would).
        Path file = fleet.home.dataDir().resolve("registry.json");
        Files.writeString(file, Files.readString(file).replace("\"workFolder\"", "\"sessionId\" : \"abc-123\",\n    \"workFolder\""));
        assertThat(fleet.call("reset_session", "member_name", "beta").text()).contains("Cleared the session of member beta");
        assertThat(registry().get("agents").get(0).has("sessionId")).isFalse();
        assertThat(fleet.call("reset_session").text()).contains("Cleared the sessions of 0 members");

        ToolResult removed = fleet.call("remove_member", "member_name", "beta");
        assertThat(removed.text()).contains("Removed member beta", "was not touched");
        assertThat(registry().get("agents")).isEmpty();
        assertThat(Files.isDirectory(work)).isTrue();
    }

    @Test
    void listingShowsEachMemberOnceAndLeavesAbsentFieldsOut() throws Exception {
        fleet.registerLocal("one", work);
        fleet.registerLocal("two", tmp.resolve("two"));
        ToolResult r = fleet.call("list_members");
        assertThat(r.text()).startsWith("2 members:\n\n").endsWith("last used: just now")
                .containsOnlyOnce(" one (local)\n  id:").containsOnlyOnce(" two (local)\n  id:")
                .contains("last used: just now\n\n").doesNotContain("\n\n\n");
        assertThat(r.text().indexOf(" one (local)")).isLessThan(r.text().indexOf(" two (local)"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> members = (List<Map<String, Object>>) ((Map<String, Object>) r.structured()).get("members");
        assertThat(members).hasSize(2).allSatisfy(m -> {
            assertThat(m).containsKeys("id", "name", "type", "workFolder", "os", "llmProvider", "createdAt", "icon")
                    .doesNotContainKeys("sessionId", "gitAccess", "gitRepos", "host");
            assertThat(m.values()).doesNotContainNull();
        });
        Path file = fleet.home.dataDir().resolve("registry.json");
        Files.writeString(file, Files.readString(file).replaceFirst("\"workFolder\"", "\"sessionId\" : \"abc-123\",\n    \"workFolder\""));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> after = (List<Map<String, Object>>) ((Map<String, Object>) fleet.call("list_members").structured()).get("members");
        assertThat(after.get(0)).containsEntry("sessionId", "abc-123");
    }

    @Test
    void updateRefusesAFolderAlreadyUsedOnTheSameMachine() throws Exception {
        fleet.registerLocal("a", work);
        fleet.registerLocal("b", tmp.resolve("b"));
        ToolResult r = fleet.call("update_member", "member_name", "b", "work_folder", work.toString());
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("work_folder", "already the folder of member a");
    }

    /**
     * A link to a member's folder is that folder: registering (or moving) a second member onto it
     * through the link is refused like any other second member there, and changes nothing.
     */
    @Test
    void aLinkToAMembersFolderIsThatFolderForRegisterAndUpdate() throws Exception {
        fleet.registerLocal("a", work);
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-work"), work);
        Files.createDirectories(work.resolve("inner"));
        Path linkedParent = Files.createSymbolicLink(tmp.resolve("link-to-parent"), work.getParent());
        String before = Files.readString(fleet.home.dataDir().resolve("registry.json"));

        for (Path same : List.of(link, linkedParent.resolve(work.getFileName()))) {
            ToolResult r = fleet.call("register_member", "friendly_name", "b", "member_type", "local", "work_folder", same.toString());
            assertThat(r.isError()).as(same + ": " + r.text()).isTrue();
            assertThat(r.text()).contains("work_folder", "is the folder of member a", "through a link", "one member per folder");
        }
        assertThat(Files.readString(fleet.home.dataDir().resolve("registry.json"))).isEqualTo(before);

        fleet.registerLocal("c", tmp.resolve("c"));
        ToolResult moved = fleet.call("update_member", "member_name", "c", "work_folder", link.toString());
        assertThat(moved.isError()).isTrue();
        assertThat(moved.text()).contains("work_folder", "is the folder of member a");
        // A folder inside a member's folder, through the link, is another folder and stays allowed.
        assertThat(fleet.call("update_member", "member_name", "c", "work_folder", link.resolve("inner").toString()).isError())
                .isFalse();
    }

    /**
     * The folder check made before a member is saved is not made again under the registry's lock
     * when nothing was registered meanwhile. Two registrations of one folder at once (one through a
     * link) must still end with one member there: the second to save sees the first's member.
     */
    @Test
    void twoRegistrationsOfOneFolderAtOnceLeaveOneMember() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Path folder = Files.createDirectories(tmp.resolve("same-" + round));
                Path link = Files.createSymbolicLink(tmp.resolve("link-" + round), folder);
                CyclicBarrier start = new CyclicBarrier(2);
                String a = "a" + round;
                String b = "b" + round;
                Future<ToolResult> plain = two.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return fleet.call("register_member", "friendly_name", a, "member_type", "local", "work_folder", folder.toString());
                });
                Future<ToolResult> linked = two.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return fleet.call("register_member", "friendly_name", b, "member_type", "local", "work_folder", link.toString());
                });
                List<ToolResult> both = List.of(plain.get(30, TimeUnit.SECONDS), linked.get(30, TimeUnit.SECONDS));
                assertThat(both).as("round " + round + ": " + both.get(0).text() + " / " + both.get(1).text())
                        .filteredOn(ToolResult::isError).hasSize(1)
                        .allSatisfy(r -> assertThat(r.text()).contains("work_folder", "one member per folder"));
            }
        } finally {
            two.shutdownNow();
        }
        assertThat(registry().get("agents")).hasSize(20);
    }

    /**
     * A folder that does not exist yet is made by its registration, maybe through a link into the
     * folder of a member whose folder was removed: made, it is that member's folder, and refused.
     */
    @Test
    void aFolderMadeThroughALinkIntoAMissingMembersFolderIsRefused() throws Exception {
        Path real = tmp.resolve("real");
        fleet.registerLocal("a", real.resolve("x"));
        Files.delete(real.resolve("x"));
        Path via = Files.createSymbolicLink(tmp.resolve("via"), real);
        String before = Files.readString(fleet.home.dataDir().resolve("registry.json"));

        ToolResult r = fleet.call("register_member", "friendly_name", "b", "member_type", "local", "work_folder",
                via.resolve("x").toString());

        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(r.text()).contains("work_folder", "is the folder of member a", "through a link");
        assertThat(Files.readString(fleet.home.dataDir().resolve("registry.json"))).isEqualTo(before);
    }

    @Test
    void unknownRegistryFieldsSurviveEveryRewrite() throws Exception {
        fleet.registerLocal("keep", work);
        Path file = fleet.home.dataDir().resolve("registry.json");
        Files.writeString(file, Files.readString(file)
                .replaceFirst("\\{", "{\n  \"futureTop\" : {\"x\" : 1},")
                .replace("\"workFolder\"", "\"futureField\" : [1, 2],\n    \"workFolder\""));
        fleet.call("update_member", "member_name", "keep", "icon", "purple-square");
        assertThat(registry().get("futureTop").get("x").asInt()).isEqualTo(1);
        assertThat(registry().get("agents").get(0).get("futureField").size()).isEqualTo(2);
    }

    @Test
    void statusAndDetailForLocalMembers() throws Exception {
        fleet.registerLocal("here", work);
        fleet.registerLocal("gone", tmp.resolve("gone"));
        Files.delete(tmp.resolve("gone"));

        ToolResult compact = fleet.call("fleet_status");
        assertThat(compact.text()).startsWith("Fleet: 2 members, 1 online, 0 busy, 1 offline");
        // "idle*" when some other agent happens to run on this machine.
        assertThat(compact.text()).containsPattern("here\\s+local\\s+online\\s+idle");
        assertThat(compact.text()).containsPattern("gone\\s+local\\s+OFFLINE\\s+unknown").contains("is missing");

        ToolResult json = fleet.call("fleet_status", "format", "json");
        JsonNode parsed = new ObjectMapper().readTree(json.text());
        assertThat(parsed.get("summary").get("online").asInt()).isEqualTo(1);
        assertThat(parsed.get("members").get(0).get("busy").asText()).isIn("idle", "idle*");

        ToolResult detail = fleet.call("member_detail", "member_name", "here");
        assertThat(detail.text()).contains("connectivity: online", "system: load", "disk:", "free of", "agent auth: none found",
                "busy: idle");
    }

    @Test
    void anAgentWorkingInTheFolderMakesTheMemberBusy() throws Exception {
        fleet.registerLocal("worker", work);
        fleet.registerLocal("bystander", tmp.resolve("other"));
        // A long-lived process whose command line looks like the agent CLI, running in the member's folder.
        Process p = new ProcessBuilder("/bin/bash", "-c", "exec -a claude-agent sleep 30").directory(work.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String text = fleet.call("fleet_status").text();
                assertThat(text).containsPattern("worker\\s+local\\s+online\\s+BUSY");
                assertThat(text).containsPattern("bystander\\s+local\\s+online\\s+idle\\*").contains("idle* = agent processes");
            });
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sendAndReceiveFilesAndFoldersInsideTheWorkFolderOnly() throws Exception {
        fleet.registerLocal("files", work);
        Path src = Files.createDirectories(tmp.resolve("src/dir/nested"));
        Files.writeString(tmp.resolve("src/a.txt"), "alpha");
        Files.writeString(src.resolve("deep.txt"), "deep");

        ToolResult sent = fleet.call("send_files", "member_name", "files", "remote_subfolder", "in",
                "local_paths", List.of(tmp.resolve("src/a.txt").toString(), tmp.resolve("src/dir").toString(), "/no/such/file"));
        assertThat(sent.text()).contains("Sent 2 of 3 files", "FAILED  /no/such/file");
        assertThat(Files.readString(work.resolve("in/a.txt"))).isEqualTo("alpha");
        assertThat(Files.readString(work.resolve("in/dir/nested/deep.txt"))).isEqualTo("deep");

        ToolResult escape = fleet.call("send_files", "member_name", "files", "remote_subfolder", "../outside",
                "local_paths", List.of(tmp.resolve("src/a.txt").toString()));
        assertThat(escape.isError()).isTrue();
        assertThat(escape.text()).contains("remote_subfolder", "must stay inside the work folder");
        assertThat(Files.exists(tmp.resolve("outside"))).isFalse();

        Path back = tmp.resolve("back");
        ToolResult received = fleet.call("receive_files", "member_name", "files", "local_dest", back.toString(),
                "remote_paths", List.of("in/a.txt", "in/dir", "../../etc/passwd", "/etc/passwd", "missing.txt"));
        assertThat(received.text()).contains("Received 2 of 5 files", "../../etc/passwd: outside the work folder",
                "/etc/passwd: outside the work folder", "missing.txt: no such file");
        assertThat(Files.readString(back.resolve("a.txt"))).isEqualTo("alpha");
        assertThat(Files.readString(back.resolve("dir/nested/deep.txt"))).isEqualTo("deep");
    }

    @Test
    void aSymlinkInsideTheWorkFolderCannotLeadOutside() throws Exception {
        fleet.registerLocal("links", work);
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "s3cret");
        Files.createSymbolicLink(work.resolve("link.txt"), secret);
        Files.createSymbolicLink(work.resolve("linkdir"), tmp);

        ToolResult received = fleet.call("receive_files", "member_name", "links", "local_dest", tmp.resolve("got").toString(),
                "remote_paths", List.of("link.txt"));
        assertThat(received.isError()).isTrue();
        assertThat(received.text()).contains("outside the work folder");

        ToolResult sent = fleet.call("send_files", "member_name", "links", "remote_subfolder", "linkdir",
                "local_paths", List.of(secret.toString()));
        assertThat(sent.isError()).isTrue();
        assertThat(sent.text()).contains("escapes the work folder");
    }
}
