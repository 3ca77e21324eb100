package dev.fleet.cli;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.FleetServer;
import dev.fleet.testing.TestHome;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output a person or an MCP client sees while a command still runs, and the status table. */
class LiveOutputIT {
    private static final String ESC = "\u001b[";

    @TempDir
    Path tmp;
    TestHome home;

    @BeforeEach
    void setUp() throws Exception {
        home = new TestHome(tmp);
        Process p = start("call", "register_member", "{\"friendly_name\":\"m\",\"member_type\":\"local\",\"work_folder\":\""
                + tmp.resolve("w") + "\"}");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void execStreamsOutputAsItComesAndExitsWithTheCommandsCode() throws Exception {
        Process p = start("exec", "m", "--", "echo first; echo err-first >&2; sleep 4; echo second; exit 5");
        List<String> lines = new CopyOnWriteArrayList<>();
        AtomicBoolean aliveAtFirstLine = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (lines.isEmpty()) {
                        aliveAtFirstLine.set(p.isAlive());
                    }
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("read failed: " + e);
            }
        });
        reader.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !lines.isEmpty());
        assertThat(aliveAtFirstLine).as("the first line arrived while the command still ran").isTrue();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        assertThat(p.exitValue()).isEqualTo(5);
        assertThat(lines).containsExactly("first", "second");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(err).isEqualTo("err-first\n");

        Process verbose = start("exec", "-v", "m", "--", "echo hi");
        assertThat(verbose.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(verbose.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hi\n");
        assertThat(new String(verbose.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("fleet: on m: echo hi", "fleet: exit code 0");

        Process slow = start("exec", "--timeout-ms", "1000", "m", "--", "echo started; sleep 30");
        assertThat(slow.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.exitValue()).isEqualTo(ExecCommand.TIMED_OUT);
        assertThat(new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("started\n");
        assertThat(new String(slow.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Timed out after 1000 ms");
    }

    @Test
    void executeCommandSendsTheNewestLinesAsProgressWhenAsked() {
        try (FleetServer server = new FleetServer(home.env())) {
            McpSchema.CallToolResult done = server.client().callTool(new McpSchema.CallToolRequest("execute_command",
                    Map.of("member_name", "m", "command", "for i in 1 2 3 4 5 6; do echo line-$i; sleep 0.8; done"),
                    Map.of("progressToken", "live")));
            assertThat(text(done)).contains("Exit code 0", "line-6");
            List<McpSchema.ProgressNotification> live = server.progress().stream()
                    .filter(p -> "live".equals(p.progressToken())).toList();
            assertThat(live).hasSizeGreaterThanOrEqualTo(2);
            assertThat(live.get(0).message()).startsWith("line-").doesNotContain("line-6");
            for (int i = 1; i < live.size(); i++) {
                assertThat(live.get(i).progress()).isGreaterThan(live.get(i - 1).progress());
                assertThat(live.get(i).message().lines().count()).isLessThanOrEqualTo(5);
            }

            int before = server.progress().size();
            assertThat(text(server.call("execute_command", "member_name", "m", "command", "echo a; sleep 1.5; echo b")))
                    .contains("Exit code 0");
            assertThat(server.progress()).hasSize(before);
        }
    }

    @Test
    void statusIsATableColouredOnlyOnAColourTerminal() throws Exception {
        String piped = output(List.of(), Map.of(), "status");
        assertThat(piped).contains("Fleet: 1 member, 1 online", "MEMBER", "STATE", "online").doesNotContain(ESC, "CLOUD");
        assertThat(output(List.of("-Dfleet.stdout.tty=true"), Map.of(), "status")).contains(ESC + "32monline" + ESC + "0m");
        assertThat(output(List.of("-Dfleet.stdout.tty=true"), Map.of("NO_COLOR", "1"), "status")).doesNotContain(ESC)
                .contains("online");
        assertThat(output(List.of(), Map.of(), "status", "--json")).contains("\"online\" : true");
    }

    private String output(List<String> jvm, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", System.getProperty("fleet.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(home.env());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readString(out);
    }

    private Process start(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", System.getProperty("fleet.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(home.env());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
