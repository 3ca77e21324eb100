package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values that are data (names, folders, session ids) never run as code: each hostile value below
 * would create a file named PWNED if any shell interpreted it.
 */
class ShellSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] HOSTILE = {
        "a'b; touch PWNED; echo 'c",
        "$(touch PWNED)",
        "`touch PWNED`",
        "x; touch PWNED",
        "with space $(touch PWNED) and `touch PWNED`",
        "quote\"$(touch PWNED)\"",
        "a\nb; touch PWNED",
    };

    @TempDir
    Path tmp;
    FleetHarness fleet;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
    }

    @AfterEach
    void tearDown() {
        fleet.close();
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("PWNED")).toList()).isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(Path.of("PWNED")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void hostileFolderNamesAreUsedLiterallyByEveryTool(int i) throws Exception {
        Path folder = tmp.resolve("ws").resolve(HOSTILE[i]);
        fleet.registerLocal("m" + i, folder);
        assertThat(Files.isDirectory(folder)).isTrue();

        assertThat(fleet.call("execute_command", "member_name", "m" + i, "command", "pwd").text()).contains(folder.toString());
        assertThat(fleet.call("execute_command", "member_name", "m" + i, "command", "pwd",
                "work_folder", folder.toString()).text()).contains(folder.toString());
        assertThat(fleet.call("fleet_status").text()).containsPattern("m" + i + "\\s+local\\s+online");
        assertThat(fleet.call("member_detail", "member_name", "m" + i).text()).contains("disk:").doesNotContain("disk: unavailable");
        Path file = Files.writeString(tmp.resolve("payload.txt"), "data");
        assertThat(fleet.call("send_files", "member_name", "m" + i, "local_paths", List.of(file.toString()),
                "remote_subfolder", HOSTILE[i].replace("\n", "")).text()).contains("Sent 1 of 1");
        assertThat(fleet.call("receive_files", "member_name", "m" + i, "local_dest", tmp.resolve("back" + i).toString(),
                "remote_paths", List.of("payload.txt", HOSTILE[i].replace("\n", ""))).isError()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void hostileFolderNamesAreUsedLiterallyOverSshToo(int i) throws Exception {
        Path memberHome = tmp.resolve("remote-home");
        try (dev.fleet.testing.TestSshServer sshd = new dev.fleet.testing.TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start()) {
            Path key = dev.fleet.testing.TestKeys.write(tmp.resolve("keys/k"), "ssh-ed25519", 256, null);
            dev.fleet.testing.TestKeys.authorize(memberHome, key);
            Path folder = memberHome.resolve(HOSTILE[i]);
            ToolResult reg = fleet.call("register_member", "friendly_name", "r" + i, "member_type", "remote", "host", "127.0.0.1",
                    "port", sshd.port(), "username", dev.fleet.testing.TestSshServer.USER, "key_path", key.toString(),
                    "work_folder", folder.toString());
            assertThat(reg.isError()).as(reg.text()).isFalse();
            assertThat(Files.isDirectory(folder)).isTrue();
            assertThat(fleet.call("execute_command", "member_name", "r" + i, "command", "pwd").text()).contains(folder.toString());
            assertThat(fleet.call("fleet_status").text()).containsPattern("r" + i + "\\s+remote\\s+online");
            assertThat(fleet.call("member_detail", "member_name", "r" + i).text()).doesNotContain("disk: unavailable");
            Path file = Files.writeString(tmp.resolve("payload.txt"), "data");
            assertThat(fleet.call("send_files", "member_name", "r" + i, "local_paths", List.of(file.toString())).text())
                    .contains("Sent 1 of 1");
            ToolResult task = fleet.call("execute_command", "member_name", "r" + i, "command", "true", "long_running", true);
            assertThat(task.isError()).as(task.text()).isFalse();
            // The task's wrapper writes its folder in the member's home after the call returns: the
            // test waits for it to finish, or its folder would still be written while the test's is removed.
            String id = (String) ((Map<?, ?>) task.structured()).get("taskId");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        ToolResult m = fleet.call("monitor_task", "member_name", "r" + i, "task_id", id);
                        assertThat(m.isError()).as(m.text()).isFalse();
                        JsonNode status = JSON.readTree(m.text());
                        assertThat(status.get("status").asText()).as(m.text()).isEqualTo("completed");
                        assertThat(status.get("pidAlive").asBoolean()).as("the wrapper has exited").isFalse();
                    });
        }
    }

    @Test
    void aFolderWithANewlineIsRefused() {
        ToolResult r = fleet.call("register_member", "friendly_name", "nl", "member_type", "local",
                "work_folder", tmp.resolve(HOSTILE[6]).toString());
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("work_folder", "without control characters");
    }

    @Test
    void hostileNamesAreRefusedByTheNameRule() {
        for (String name : HOSTILE) {
            ToolResult r = fleet.call("register_member", "friendly_name", name, "member_type", "local",
                    "work_folder", tmp.resolve("w").toString());
            assertThat(r.isError()).isTrue();
            assertThat(r.text()).contains("friendly_name");
            assertThat(fleet.call("execute_command", "member_name", name, "command", "true").text()).contains("member_name");
        }
    }

    @Test
    void hostileSessionIdsInTheRegistryAreNeverExecuted() throws Exception {
        Path work = tmp.resolve("session-work");
        fleet.registerLocal("sess", work);
        Path file = fleet.home.dataDir().resolve("registry.json");
        String json = Files.readString(file);
        Files.writeString(file, json.replace("\"workFolder\"", "\"sessionId\" : \"$(touch PWNED); `touch PWNED`\",\n    \"workFolder\""));
        Files.writeString(work.resolve("marker"), "");
        assertThat(fleet.call("fleet_status").text()).containsPattern("sess\\s+local\\s+online");
        assertThat(fleet.call("member_detail", "member_name", "sess").isError()).isFalse();
        assertThat(fleet.call("list_members").text()).contains("$(touch PWNED)");
        assertThat(fleet.call("reset_session", "member_name", "sess").text()).contains("Cleared the session");
    }
}
