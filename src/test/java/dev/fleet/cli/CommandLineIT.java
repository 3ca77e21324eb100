package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.TestHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The person-facing commands of the built jar share the tools' implementation. */
class CommandLineIT {
    @TempDir
    Path tmp;
    TestHome home;

    record Run(int exit, String out, String err) {
    }

    /** Set on top of the test home's environment for the runs of one test. */
    final java.util.Map<String, String> environment = new java.util.HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        home = new TestHome(tmp);
    }

    private Run fleet(String... args) throws Exception {
        return fleetWithInput(null, args);
    }

    /** The built jar with {@code stdin} (or nothing) on its standard input. */
    private Run fleetWithInput(String stdin, String... args) throws Exception {
        return fleetReading(stdin == null ? new java.io.File("/dev/null") : Files.writeString(tmp.resolve("in.txt"), stdin).toFile(), args);
    }

    /** The built jar reading {@code input} on its standard input. */
    private Run fleetReading(java.io.File input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fleet.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(home.env());
        pb.environment().putAll(environment);
        pb.redirectInput(ProcessBuilder.Redirect.from(input));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fleet " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * A data folder that cannot be made (here: its parent is a file, which stops root too) leaves
     * fleet nothing to do: every entry point says why in one line, with no stack trace, and the
     * MCP server writes nothing on stdout (it carries MCP messages only).
     */
    @Test
    void aDataFolderThatCannotBeMadeIsOneLineSayingWhy() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder\n");
        String unusable = file.resolve("data").toString();
        environment.put("APRA_FLEET_DATA_DIR", unusable);
        for (String[] args : new String[][] {{"serve", "--standalone"}, {"members"},
                {"call", "list_members", "{}"}, {"daemon"}}) {
            Run r = fleet(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.out()).as(String.join(" ", args)).isEmpty();
            assertThat(r.err().strip()).as(String.join(" ", args))
                    .contains("cannot create or use the data directory " + unusable, "Not a directory", "APRA_FLEET_DATA_DIR")
                    .doesNotContain("\tat ", "Exception");
        }
    }

    /**
     * A data folder another user can write to may hold files fleet did not make (a daemon lock
     * naming options, a token of their choosing): every entry point refuses it in one line, and
     * neither tightens it nor writes anything into it.
     */
    @Test
    void aDataFolderOthersCanWriteToIsRefusedAndLeftAsItIs() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared-data"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(shared.resolve("daemon.lock"), "planted\n");
        environment.put("APRA_FLEET_DATA_DIR", shared.toString());
        String why = shared + ": other users can write to it (mode rwxrwxrwx), so files in it may not be fleet's; "
                + "check what is in it, then chmod 700 " + shared;
        for (String[] args : new String[][] {{"serve", "--standalone"}, {"members"},
                {"call", "list_members", "{}"}, {"daemon"}, {"daemon", "status"}, {"daemon", "stop"}}) {
            Run r = fleet(args);
            String what = String.join(" ", args);
            assertThat(r.exit()).as(what).isEqualTo(1);
            assertThat(r.out()).as(what).isEmpty();
            assertThat(r.err().strip()).as(what).contains(why).doesNotContain("\tat ", "Exception");
        }
        // The relay cannot start a daemon there: the MCP client is answered why, on stdout as an MCP error.
        Run relay = fleetWithInput("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n", "serve");
        assertThat(relay.out().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":").contains("cannot start the fleet daemon: " + why));
        assertThat(relay.err()).contains(why).doesNotContain("\tat ", "Exception");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxrwxrwx");
        try (var files = Files.list(shared)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("daemon.lock");
        }
    }

    @Test
    void versionMembersStatusAndExec() throws Exception {
        assertThat(fleet("--version").out()).contains("fleet " + System.getProperty("fleet.version"));

        Run registered = fleet("call", "register_member",
                "{\"friendly_name\":\"cli\",\"member_type\":\"local\",\"work_folder\":\"" + tmp.resolve("w") + "\"}");
        assertThat(registered.exit()).isZero();
        assertThat(registered.out()).contains("Registered member cli");

        assertThat(fleet("members").out()).contains("cli (local)", tmp.resolve("w").toString());
        assertThat(fleet("status").out()).contains("Fleet: 1 member, 1 online");
        assertThat(fleet("status", "--json").out()).contains("\"online\" : true");

        Run ok = fleet("exec", "cli", "--", "echo", "from-cli", "&&", "pwd");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("from-cli", tmp.resolve("w").toString());
        assertThat(fleet("exec", "cli", "--", "exit 7").exit()).isEqualTo(7);

        Run unknown = fleet("exec", "nobody", "--", "true");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("member_name", "does not match");
        assertThat(fleet("call", "list_members", "{not json").err()).contains("JSON must be a JSON object");
    }

    /** Arguments that hold a secret can come on stdin, out of the process list; a bad one is never quoted. */
    @Test
    void callTakesItsArgumentsFromStdinAndNeverQuotesBadInput() throws Exception {
        Run registered = fleetWithInput("{\"friendly_name\":\"piped\",\"member_type\":\"local\",\"work_folder\":\""
                + tmp.resolve("p") + "\"}", "call", "register_member", "-");
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("Registered member piped");

        Run bad = fleetWithInput("{\"member_name\":\"piped\",\"password\": hunter2-not-quoted}", "call", "update_member", "-");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("JSON must be a JSON object", "line 1, column").doesNotContain("hunter2");

        // Mis-quoted: the password went in an argument of its own, which the command does not take.
        Run extra = fleet("call", "update_member", "{\"member_name\":\"piped\"}", "{\"password\":\"hunter2-extra-arg\"}",
                "--token=hunter3-option-value");
        assertThat(extra.exit()).isEqualTo(2);
        assertThat(extra.err()).contains("fleet call does not take the option --token=...",
                "was given 1 argument more than it takes (not repeated here").doesNotContain("hunter2", "hunter3");
    }

    @Test
    void installPrintsTheSnippetForOtherClients() throws Exception {
        Run r = fleet("install", "--print-only");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"mcpServers\"", "\"apra-fleet\"", "\"serve\"");
    }

    @Test
    void forgetHostRefusesAPortOrHostNoMemberCanHaveNamingTheRule() throws Exception {
        Run overflow = fleet("forget-host", "h:99999999999");
        assertThat(overflow.exit()).isEqualTo(2);
        assertThat(overflow.err().strip()).isEqualTo("Invalid input: HOST[:PORT] port must be between 1 and 65535, got 99999999999");
        assertThat(fleet("forget-host", "[10.0.0.5]:70000").err()).contains("port must be between 1 and 65535, got 70000");
        Run badHost = fleet("forget-host", "bad host;rm");
        assertThat(badHost.exit()).isEqualTo(2);
        assertThat(badHost.err()).startsWith("Invalid input: HOST[:PORT] host must be a hostname");
        // An IPv6 address is bracketed whole or not at all.
        for (String unbalanced : new String[] {"[::1", "::1]"}) {
            Run r = fleet("forget-host", unbalanced);
            assertThat(r.exit()).as(unbalanced).isEqualTo(2);
            assertThat(r.err()).as(unbalanced).startsWith("Invalid input: HOST[:PORT] host must be a hostname");
        }
        assertThat(fleet("forget-host", "::1").exit()).isZero();
        Run fine = fleet("forget-host", "[10.0.0.5]:2222");
        assertThat(fine.exit()).isZero();
        assertThat(fine.out()).contains("No key was recorded for [10.0.0.5]:2222.");
    }

    @Test
    void aDaemonHttpAddressThatCannotBeUsedIsRefusedBeforeAnythingIsStoppedOrWritten() throws Exception {
        Run restart = fleet("daemon", "restart", "--http", "0.0.0.0:7777");
        assertThat(restart.exit()).isEqualTo(2);
        assertThat(restart.err()).contains("Invalid input: --http 0.0.0.0 is not a loopback address");
        // Nothing was stopped (before, "fleet daemon: not running" / "stopped" came first, then a failed start).
        assertThat(restart.out()).isEmpty();
        Run port = fleet("daemon", "restart", "--http", "127.0.0.1:99999");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("--http port 99999 must be from 0 to 65535");

        try (java.net.ServerSocket holder = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run taken = fleet("daemon", "restart", "--http", "127.0.0.1:" + holder.getLocalPort());
            assertThat(taken.exit()).isEqualTo(2);
            assertThat(taken.err()).contains("Invalid input: --http", "its port is taken", "the running daemon was left as it was");
            assertThat(taken.out()).isEmpty();
        }

        Run install = fleet("daemon", "install", "--no-start", "--http", "10.0.0.1:80");
        assertThat(install.exit()).isEqualTo(2);
        assertThat(install.err()).contains("--http 10.0.0.1 is not a loopback address");
        assertThat(install.out()).isEmpty();
        assertThat(fleet("daemon", "status").out()).contains("not running");
    }

    @Test
    void argumentsOnStandardInputAreBoundedInsteadOfFillingTheHeap() throws Exception {
        Run endless = fleetReading(new java.io.File("/dev/zero"), "call", "list_members", "-");
        assertThat(endless.exit()).isEqualTo(2);
        assertThat(endless.err().strip()).isEqualTo("Invalid input: JSON on standard input must be at most 16 MiB; nothing was called");
        assertThat(fleetWithInput("{}", "call", "list_members", "-").exit()).isZero();
    }

    @Test
    void errorsAboutWhatWasTypedNameTheOptionOrArgumentAsTyped() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("typed-work"));
        assertThat(fleet("call", "register_member", "{\"friendly_name\":\"typed\",\"member_type\":\"local\",\"work_folder\":\""
                + work + "\"}").exit()).isZero();
        Path file = Files.writeString(tmp.resolve("f.txt"), "x");

        Run send = fleet("send", "typed", file.toString(), "--to", "../x");
        assertThat(send.exit()).isEqualTo(1);
        assertThat(send.err()).startsWith("Invalid input: --to (remote_subfolder) must stay inside the work folder");
        Run exec = fleet("exec", "nosuch", "--", "true");
        assertThat(exec.err()).startsWith("Invalid input: MEMBER (member_name) does not match any registered member");
        Run timeout = fleet("exec", "typed", "--timeout-ms", "-5", "--", "true");
        assertThat(timeout.err()).startsWith("Invalid input: --timeout-ms (timeout_ms) ");
        // fleet call takes the tool's own names, and its errors keep them.
        Run call = fleet("call", "member_detail", "{\"member_name\":\"nosuch\"}");
        assertThat(call.err()).startsWith("Invalid input: member_name does not match");
    }
}
