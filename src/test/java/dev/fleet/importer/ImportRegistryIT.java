package dev.fleet.importer;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry written by the original product (local, password, key and cloud members; passwords
 * sealed by Node's own crypto, see src/test/resources/original/seal-fixture.js) imported with
 * the built jar and then used through the MCP server.
 */
class ImportRegistryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLOUD_ID = "i-0f1c1e0a44440004a";
    private static final List<String> MACHINE = List.of("--host-name", "fixture-host", "--user-name", "fixture-user");

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    TestSshServer sshd;
    Path original;
    Path work;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        cloud = new SimulatedCloud(tmp, 71);
        cloud.machine(CLOUD_ID, "t3.small", FakeEc2.State.RUNNING);
        sshd = new TestSshServer(cloud.home, tmp.resolve("sshd")).start();
        Path key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        TestKeys.authorize(cloud.home, key);
        work = tmp.resolve("work");
        for (String f : List.of("local", "password", "key", "cloud")) {
            Files.createDirectories(work.resolve(f));
        }
        original = Files.createDirectories(tmp.resolve("original-data"));
        String registry = resource("original/data/registry.json")
                .replace("\"@PORT@\"", String.valueOf(sshd.port()))
                .replace("\"@CLOUD_PORT@\"", String.valueOf(cloud.sshPort))
                .replace("@USER@", TestSshServer.USER)
                .replace("@KEY@", key.toString())
                .replace("@CLOUD_KEY@", cloud.key.toString())
                .replace("@WORK@", work.toString());
        Files.writeString(original.resolve("registry.json"), registry);
        Files.writeString(original.resolve("salt"), resource("original/data/salt"));
    }

    @AfterEach
    void tearDown() throws Exception {
        sshd.close();
        cloud.close();
    }

    @Test
    void membersOfTheOriginalAreImportedAndWork() throws Exception {
        Path fleetRegistry = cloud.home.dataDir().resolve("registry.json");

        Run dry = fleet(withMachine("import-registry", original.toString(), "--dry-run"));
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("orig-local: would add", "orig-password: would add", "orig-key: would add",
                "orig-cloud: would add", "password sealed again with fleet's key", "cloud " + CLOUD_ID);
        assertThat(fleetRegistry).doesNotExist();

        Run wrongMachine = fleet("import-registry", original.toString(), "--host-name", "another-host", "--user-name", "fixture-user");
        assertThat(wrongMachine.exit()).isEqualTo(1);
        assertThat(wrongMachine.err()).contains("orig-password", "nothing was imported", "--host-name");
        assertThat(wrongMachine.err()).doesNotContain("s3cret-pw");
        assertThat(fleetRegistry).doesNotExist();

        Run imported = fleet(withMachine("import-registry", original.toString()));
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("orig-password: added").doesNotContain("s3cret-pw");
        JsonNode password = member(fleetRegistry, "orig-password");
        assertThat(password.get("encryptedPassword").asText()).doesNotContain("s3cret-pw");
        assertThat(OriginalSecrets.isSealedByOriginal(password.get("encryptedPassword").asText())).isFalse();
        assertThat(password.get("futureField").get("kept").asBoolean()).isTrue();
        assertThat(password.get("gitRepos").get(0).asText()).isEqualTo("acme/api");
        assertThat(member(fleetRegistry, "orig-local").get("sessionId").asText()).isEqualTo("a1b2c3d4-0000-4000-8000-000000000001");

        try (FleetServer server = new FleetServer(cloud.env())) {
            for (String name : List.of("orig-local", "orig-password", "orig-key", "orig-cloud")) {
                McpSchema.CallToolResult r = server.call("execute_command", "member_name", name, "command", "echo used-$((6*7)) && pwd");
                assertThat(r.isError()).as(name + ": " + text(r)).isFalse();
                assertThat(text(r)).as(name).contains("Exit code 0", "used-42");
            }
            McpSchema.CallToolResult status = server.call("cloud_control", "member_name", "orig-cloud", "action", "status");
            assertThat(text(status)).contains(CLOUD_ID, "running");
        }

        Run again = fleet(withMachine("import-registry", original.toString()));
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("orig-password: unchanged");
    }

    @Test
    void theOriginalsOwnDataFolderIsConvertedInPlace() throws Exception {
        Path data = Files.createDirectories(cloud.home.dataDir());
        Files.copy(original.resolve("registry.json"), data.resolve("registry.json"));
        Files.copy(original.resolve("salt"), data.resolve("salt"));
        try (FleetServer server = new FleetServer(cloud.env())) {
            McpSchema.CallToolResult before = server.call("execute_command", "member_name", "orig-password", "command", "true");
            assertThat(before.isError()).isTrue();
            assertThat(text(before)).contains("orig-password", "set it again");
        }

        Run converted = fleet(withMachine("import-registry"));
        assertThat(converted.exit()).as(converted.err()).isZero();
        assertThat(converted.out()).contains("fleet's own registry", "orig-password: updated", "orig-local: unchanged");

        try (FleetServer server = new FleetServer(cloud.env())) {
            McpSchema.CallToolResult after = server.call("execute_command", "member_name", "orig-password", "command", "echo in-place");
            assertThat(text(after)).contains("Exit code 0", "in-place");
        }
    }

    private static JsonNode member(Path registry, String name) throws Exception {
        for (JsonNode m : JSON.readTree(registry.toFile()).get("agents")) {
            if (m.get("friendlyName").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name + " is not in " + registry);
    }

    private static String[] withMachine(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(MACHINE);
        return all.toArray(String[]::new);
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = ImportRegistryIT.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Run fleet(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fleet.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = cloud.env();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fleet " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
