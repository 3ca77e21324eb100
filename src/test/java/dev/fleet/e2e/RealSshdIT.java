package dev.fleet.e2e;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.RealSshd;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TitledJobs;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Every remote-member tool, through the built server and a real MCP client, against a real OpenSSH sshd. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealSshdIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RealSshd.ForClass SSHD = new RealSshd.ForClass();
    @TempDir
    static Path tmp;
    RealSshd sshd;
    TestHome home;
    FleetServer server;
    McpSyncClient client;
    Path work;

    @BeforeAll
    void start() throws Exception {
        sshd = SSHD.get();
        home = new TestHome(tmp);
        work = sshd.home.resolve("fleet-e2e-" + System.nanoTime());
        // The agent CLI where its installer puts it on the member, outside the non-interactive PATH.
        TestHome.installFakeAgentCli(sshd.home, "9.9.9");
        server = new FleetServer(home.env());
        client = server.client();
        client.initialize();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void registersAKeyMemberOnTheRealServer() {
        McpSchema.CallToolResult r = server.call("register_member", "friendly_name", "openssh", "member_type", "remote",
                "host", "127.0.0.1", "port", sshd.port, "username", sshd.user, "auth_type", "key",
                "key_path", sshd.key.toString(), "work_folder", work.toString());
        assertThat(r.isError()).as(text(r)).isFalse();
        assertThat(text(r)).contains("Registered member openssh (remote)", "OS:        linux", "9.9.9 (Claude Code)", "latency:");
        assertThat(Files.isDirectory(work)).isTrue();
        assertThat(text(server.call("list_members"))).contains("openssh (remote)", sshd.user + "@127.0.0.1:" + sshd.port);
    }

    @Test
    @Order(2)
    void runsCommandsAndEndsThemOnTimeout() throws Exception {
        McpSchema.CallToolResult r = server.call("execute_command", "member_name", "openssh", "command", "pwd; echo $HOME; exit 3");
        assertThat(text(r)).contains("Exit code 3", work.toString(), sshd.home.toString());
        // A command that reads its input gets end of file at once: fleet gives it none.
        McpSchema.CallToolResult reads = server.call("execute_command", "member_name", "openssh", "timeout_ms", 20_000,
                "command", "cat; echo input-ended");
        assertThat(reads.isError()).isFalse();
        assertThat(text(reads)).contains("input-ended");

        Path marker = work.resolve("survivor");
        McpSchema.CallToolResult slow = server.call("execute_command", "member_name", "openssh", "timeout_ms", 500,
                "command", "(sleep 1; touch " + marker + ") & sleep 30");
        assertThat(slow.isError()).isTrue();
        assertThat(text(slow)).contains("Timed out after 500 ms");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(marker));
    }

    /**
     * OpenSSH drops the whole connection over a NUL in a command, and with it every other command on
     * the member: the parameter is refused before anything is sent, and a command already running
     * on the same pooled connection finishes.
     */
    @Test
    @Order(2)
    void aNulInACommandIsRefusedAndTheCommandRunningBesideItFinishes() throws Exception {
        Path started = work.resolve("beside-started");
        java.util.concurrent.CompletableFuture<McpSchema.CallToolResult> beside = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> server.call("execute_command", "member_name", "openssh", "command", "touch " + started + "; sleep 2; echo still-here"));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started) || beside.isDone());

        McpSchema.CallToolResult nul = server.call("execute_command", "member_name", "openssh", "command", "echo a\u0000b");
        assertThat(nul.isError()).isTrue();
        assertThat(text(nul)).contains("command must not contain a NUL character (U+0000)");

        McpSchema.CallToolResult r = beside.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.isError()).as(text(r)).isFalse();
        assertThat(text(r)).contains("still-here");
    }

    /**
     * OpenSSH starts each command in a session its shell leads, so fleet's wrapper records it where
     * the on-instance guard keeps its folder, and a job that wrote over its environment with its
     * process title is still found by that session (see FleetSessionsTest for the check itself).
     */
    @Test
    @Order(2)
    void aJobThatSetItsProcessTitleIsFoundByTheSessionOpenSshStartedItIn() throws Exception {
        Path fleetFolder = sshd.home.resolve(".fleet");
        boolean hadFleetFolder = Files.exists(fleetFolder);
        Path sessions = Files.createDirectories(fleetFolder.resolve("guard/sessions"));
        ProcessHandle job = null;
        try {
            McpSchema.CallToolResult r = server.call("execute_command", "member_name", "openssh", "command", TitledJobs.COMMAND);
            job = TitledJobs.started(text(r));
            String stat = Files.readString(Path.of("/proc/" + job.pid() + "/stat"));
            String session = stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[3];
            Path record = sessions.resolve(session);
            assertThat(record).exists();
            assertThat(Files.readString(record)).matches("\\d+ [0-9a-f]{12}-[0-9a-f]{32}\n");
            String runId = Files.readString(record).strip().split(" ")[1];

            ProcessBuilder check = new ProcessBuilder("bash", "-c", dev.fleet.os.FleetSessions.FUNCTION + "\nfleet_sessions \"$1\"",
                    "check", sessions.toString());
            Process p = check.start();
            assertThat(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("FLEET_RUN_ID=" + runId + "\n");
            assertThat(p.waitFor()).isZero();

            // A command whose time is up is ended with what it left running, the job whose title hides its tag too.
            McpSchema.CallToolResult slow = server.call("execute_command", "member_name", "openssh", "timeout_ms", 3000,
                    "command", TitledJobs.COMMAND + "; sleep 60");
            assertThat(text(slow)).contains("Timed out after 3000 ms");
            long leftPid = TitledJobs.pid(text(slow));
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(leftPid).isEmpty());
        } finally {
            if (job != null) {
                TitledJobs.end(job);
            }
            // Other tests share this member's home: without the guard's folder their commands record nothing.
            Path removed = hadFleetFolder ? sessions : fleetFolder;
            try (var all = Files.walk(removed)) {
                for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    @Test
    @Order(3)
    void movesFilesBothWaysWithProgress() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("payload/dir"));
        // Random bytes, not a size a request divides evenly: OpenSSH states its limits, so this
        // travels in fleet's largest SFTP requests, and any misplaced request would show.
        byte[] blob = new byte[5 * 1024 * 1024 + 4321];
        new java.util.Random(13).nextBytes(blob);
        Files.write(tmp.resolve("payload/blob.bin"), blob);
        Files.writeString(src.resolve("note.txt"), "hello over sftp");
        McpSchema.CallToolResult sent = client.callTool(new McpSchema.CallToolRequest("send_files",
                Map.of("member_name", "openssh", "remote_subfolder", "in",
                        "local_paths", List.of(tmp.resolve("payload/blob.bin").toString(), tmp.resolve("payload/dir").toString())),
                Map.of("progressToken", "up")));
        assertThat(text(sent)).contains("Sent 2 of 2");
        assertThat(Files.mismatch(tmp.resolve("payload/blob.bin"), work.resolve("in/blob.bin"))).isEqualTo(-1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.progress().stream().filter(p -> "up".equals(p.progressToken())).count() > 2);

        McpSchema.CallToolResult got = server.call("receive_files", "member_name", "openssh", "remote_paths",
                List.of("in/dir", "in/blob.bin", "../../etc"), "local_dest", tmp.resolve("back").toString());
        assertThat(text(got)).contains("Received 2 of 3", "../../etc: outside the work folder");
        assertThat(Files.readString(tmp.resolve("back/dir/note.txt"))).isEqualTo("hello over sftp");
        assertThat(Files.mismatch(tmp.resolve("payload/blob.bin"), tmp.resolve("back/blob.bin"))).isEqualTo(-1);
    }

    /**
     * A path whose every name fits but whose whole is past Linux's 4,096-byte limit: OpenSSH's
     * SFTP server answers ENAMETOOLONG with the bare status "Bad message"; the user reads the path
     * and the rule instead.
     */
    @Test
    @Order(3)
    void aPathLongerThanTheMembersFileSystemAllowsIsRefusedInWords() throws Exception {
        // remote_subfolder itself stays within the 4,096 characters fleet takes; the file's path does not.
        Path file = Files.writeString(tmp.resolve("f".repeat(240)), "deep");
        String deep = String.join("/", java.util.Collections.nCopies(16, "d".repeat(250)));
        McpSchema.CallToolResult sent = server.call("send_files", "member_name", "openssh", "remote_subfolder", deep,
                "local_paths", List.of(file.toString()));
        assertThat(text(sent)).contains("Sent 0 of 1", "(\"Bad message\"): the path is ", " bytes, longer than its file system allows",
                "not copied").doesNotContain("Exception");
    }

    @Test
    @Order(4)
    void statusAndDetail() throws Exception {
        JsonNode status = JSON.readTree(text(server.call("fleet_status", "format", "json")));
        assertThat(status.get("members").get(0).get("online").asBoolean()).isTrue();
        assertThat(status.get("members").get(0).get("busy").asText()).isIn("idle", "idle*");
        assertThat(text(server.call("fleet_status"))).containsPattern("openssh\\s+remote\\s+online");
        assertThat(text(server.call("member_detail", "member_name", "openssh")))
                .contains("connectivity: online", "auth method: key", "agent CLI: 9.9.9", "system: load", "disk:");
    }

    @Test
    @Order(5)
    void promptsTravelIntactAndSessionsResume() throws Exception {
        String prompt = "It's \"quoted\", $(not run) `nor this`; ünïcødé\n" + "y".repeat(100_000);
        McpSchema.CallToolResult first = server.call("execute_prompt", "member_name", "openssh", "prompt", prompt);
        assertThat(first.isError()).as(text(first)).isFalse();
        Path state = sshd.home.resolve(".fake-claude");
        try (var prompts = Files.list(state)) {
            Path last = prompts.filter(p -> p.getFileName().toString().startsWith("prompt-"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow();
            assertThat(Files.readString(last)).isEqualTo(prompt);
        }
        McpSchema.CallToolResult second = server.call("execute_prompt", "member_name", "openssh", "prompt", "continue");
        assertThat(text(second)).contains("Done: received 8 bytes.");
        List<String> calls = Files.readAllLines(state.resolve("calls.log"));
        assertThat(calls.get(calls.size() - 1)).contains("--resume");
        assertThat(text(server.call("update_claude", "member_name", "openssh"))).contains("openssh: 9.9.9 (Claude Code) -> 2.0.0 (Claude Code)");
    }

    @Test
    @Order(6)
    void updateResetAndRemove() {
        assertThat(text(server.call("update_member", "member_name", "openssh", "icon", "🐧"))).contains("Updated member openssh: icon");
        assertThat(text(server.call("execute_command", "member_name", "openssh", "command", "echo after-update"))).contains("after-update");
        assertThat(text(server.call("reset_session", "member_name", "openssh"))).contains("Cleared the session of member openssh");
        assertThat(text(server.call("remove_member", "member_name", "openssh"))).contains("Removed member openssh");
        assertThat(Files.isDirectory(work)).as("the folder stays").isTrue();
    }
}
