package dev.fleet.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.install.FleetLaunch;
import dev.fleet.settings.Settings;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet doctor of the built jar on a healthy sandbox (local, password, key and cloud members,
 * Claude Code wired), then on that sandbox broken in each way doctor checks, one at a time.
 */
class DoctorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLOUD_ID = "i-0d0c7000000000001";

    @TempDir
    Path tmp;
    SimulatedCloud cloud;
    TestSshServer sshd;
    Path home;
    Path data;
    Path key;
    Path bin;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void healthySandbox() throws Exception {
        cloud = new SimulatedCloud(tmp, 81);
        cloud.machine(CLOUD_ID, "t3.small", FakeEc2.State.STOPPED);
        home = cloud.home.home();
        data = cloud.home.dataDir();
        sshd = new TestSshServer(cloud.home, tmp.resolve("sshd")).start();
        key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        TestKeys.authorize(cloud.home, key);
        bin = Files.createDirectories(tmp.resolve("bin"));
        try (InputStream in = DoctorIT.class.getResourceAsStream("/fake/claude-mcp")) {
            Files.write(bin.resolve("claude"), in.readAllBytes());
        }
        Files.setPosixFilePermissions(bin.resolve("claude"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(home.resolve(".claude/.credentials.json"), "{\"claudeAiOauth\":{\"accessToken\":\"t\","
                + "\"refreshToken\":\"r\",\"expiresAt\":" + Instant.now().plus(30, ChronoUnit.DAYS).toEpochMilli() + "}}");

        ok(fleet("call", "register_member", "{\"friendly_name\":\"loc\",\"member_type\":\"local\",\"work_folder\":\""
                + tmp.resolve("w-local") + "\"}"));
        ok(fleet("call", "register_member", "{\"friendly_name\":\"pw\",\"member_type\":\"remote\",\"host\":\"127.0.0.1\","
                + "\"port\":" + sshd.port() + ",\"username\":\"" + TestSshServer.USER + "\",\"auth_type\":\"password\","
                + "\"password\":\"" + TestSshServer.PASSWORD + "\",\"work_folder\":\"" + tmp.resolve("w-pw") + "\"}"));
        ok(fleet("call", "register_member", "{\"friendly_name\":\"keyed\",\"member_type\":\"remote\",\"host\":\"127.0.0.1\","
                + "\"port\":" + sshd.port() + ",\"username\":\"" + TestSshServer.USER + "\",\"auth_type\":\"key\","
                + "\"key_path\":\"" + key + "\",\"work_folder\":\"" + tmp.resolve("w-key") + "\"}"));
        ok(fleet("call", "register_member", "{\"friendly_name\":\"gpu\",\"member_type\":\"remote\",\"username\":\""
                + TestSshServer.USER + "\",\"port\":" + cloud.sshPort + ",\"work_folder\":\"" + tmp.resolve("w-gpu")
                + "\",\"cloud_provider\":\"aws\",\"cloud_instance_id\":\"" + CLOUD_ID + "\",\"cloud_region\":\"us-east-1\","
                + "\"cloud_ssh_key_path\":\"" + cloud.key + "\"}"));
        Files.writeString(data.resolve("pricing.json"), "{\"t3.small\": 0.02}");
        ok(fleet("install"));
    }

    @AfterEach
    void tearDown() throws Exception {
        sshd.close();
        cloud.close();
    }

    /** One sandbox for all cases: setting it up is most of the cost. */
    @Test
    void aHealthySandboxHasNothingWrongAndEachBreakageIsFoundWithItsFix() throws Exception {
        Run r = fleet("doctor");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("Nothing is wrong.", "4 members", "stored password open with fleet's key",
                "no passphrase", "claude 2.1.0 (Claude Code)", "logged in", "AWS keys from the environment",
                "1 rate of your own", "server registered, skill").doesNotContain("PROBLEM", "\u001b[");

        JsonNode json = JSON.readTree(fleet("doctor", "--json").out());
        assertThat(json.get("healthy").asBoolean()).isTrue();
        assertThat(json.get("problems").asInt()).isZero();
        List<String> checks = new ArrayList<>();
        json.get("findings").forEach(f -> checks.add(f.get("check").asText()));
        assertThat(checks).contains("java", "settings", "data folder", "registry", "known hosts", "ssh keys", "agent cli", "aws",
                "pricing", "claude code", "daemon");

        broken(() -> chmod(data, "rwxr-xr-x"), "data folder", "is open to other users", "chmod 700 " + data);
        broken(() -> chmod(data, "rwxrwx---"), "data folder", "fleet will not use it: other users can write to it (mode rwxrwx---)",
                "chmod 700 " + data + " once you have checked what is in it");
        broken(() -> chmod(data.resolve("registry.json"), "rw-r--r--"), "data folder", "registry.json is readable by other users",
                "chmod 600");
        broken(() -> replaceInRegistry("\"encryptedPassword\" : \"[^\"]*\"",
                        "\"encryptedPassword\" : \"00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff:abcd\""),
                "registry", "pw: its password is still sealed by the original", "fleet import-registry");
        broken(() -> replaceInRegistry("\"encryptedPassword\" : \"[^\"]*\"", "\"encryptedPassword\" : \"v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""),
                "registry", "pw: its password cannot be opened", "update_member member_name=pw password=");
        broken(() -> write(data.resolve("registry.json"), "{\"agents\": [ broken"), "registry", "cannot read", "repair the JSON");
        broken(() -> append(data.resolve("known_hosts"), "this is not a host key\n"), "known hosts", "is not a host key line",
                "delete that line");
        broken(() -> chmod(key, "rw-r--r--"), "ssh keys", key + " (keyed) is readable by other users", "chmod 600 " + key);
        broken(() -> copyKey(TestKeys.write(tmp.resolve("keys/locked"), "ssh-ed25519", 256, "open sesame")),
                "ssh keys", "is protected by a passphrase", "ssh-keygen -p -f");
        broken(() -> Files.delete(key), "ssh keys", "does not exist", "update_member key_path=");
        broken(() -> Files.delete(home.resolve(".claude/.credentials.json")), "agent cli", "not logged in", "/login");
        broken(() -> write(data.resolve("pricing.json"), "{\"t3.small\": cheap"), "pricing", "not valid JSON", "USD per hour");
        broken(() -> write(data.resolve("pricing.json"), "{\"t3.small\": \"cheap\"}"), "pricing", "t3.small is not a positive number",
                "USD per hour");
        broken(() -> write(home.resolve(".claude/settings.json"), "{}\n"), "claude code", "not set up", "fleet install");
        broken(() -> chmod(Files.createFile(data.resolve("fleet.sock")), "rw-rw-rw-"), "daemon", "can be opened by other users",
                "fleet daemon restart");

        assertThat(doctor(env -> env.put("FLEET_IDLE_CHECK_SECONDS", "soon")))
                .contains("settings: FLEET_IDLE_CHECK_SECONDS='soon' is not a whole number", "unset the variable");
        assertThat(doctor(env -> env.put("FLEET_BUDGET_USD_PER_DAY", "lots")))
                .contains("settings: FLEET_BUDGET_USD_PER_DAY='lots' is not a positive amount of US dollars", "unset the variable");
        assertThat(doctor(env -> env.put("PATH", System.getenv("PATH"))))
                .contains("agent cli: Claude Code (claude) is not on PATH", "install Claude Code");
        assertThat(doctor(env -> {
            env.remove("AWS_ACCESS_KEY_ID");
            env.remove("AWS_SECRET_ACCESS_KEY");
        })).contains("aws: gpu: no AWS credentials", "aws configure");

        Files.createDirectories(home.resolve(".aws/sso/cache"));
        Files.writeString(home.resolve(".aws/config"), "[profile work]\nsso_session = corp\nsso_account_id = 1\n"
                + "sso_role_name = dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.example/start\n"
                + "sso_region = us-east-1\n");
        String cacheName = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest("corp".getBytes(java.nio.charset.StandardCharsets.UTF_8))) + ".json";
        Files.writeString(home.resolve(".aws/sso/cache/" + cacheName), "{\"accessToken\":\"x\",\"expiresAt\":\""
                + Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}");
        assertThat(doctor(env -> {
            env.remove("AWS_ACCESS_KEY_ID");
            env.remove("AWS_SECRET_ACCESS_KEY");
            env.put("AWS_PROFILE", "work");
        })).contains("gpu: profile work uses AWS SSO; the login expired", "aws sso login --profile work");

        // The command line: problems with their fixes, and a failing exit code.
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
        Run cli = fleet("doctor");
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.out()).contains("data folder  PROBLEM  " + data + " is open to other users (rwxr-x---)",
                "fix: chmod 700 " + data, "1 problem found");
        JsonNode broken = JSON.readTree(fleet("doctor", "--json").out());
        assertThat(broken.get("healthy").asBoolean()).isFalse();
        assertThat(broken.get("problems").asInt()).isEqualTo(1);
    }

    interface Breakage {
        void apply() throws Exception;
    }

    /**
     * Breaks one thing, expects doctor to name it with its fix (and nothing else), then puts the
     * sandbox back. The checks run in this JVM on the sandbox's environment: the command line's
     * own output and exit code are covered separately.
     */
    private void broken(Breakage breakage, String check, String problem, String fix) throws Exception {
        Path snapshot = tmp.resolve("snapshot");
        copyTree(tmp, snapshot);
        breakage.apply();
        Doctor.Report report = inProcess(env());
        assertThat(report.healthy()).as(problem).isFalse();
        assertThat(report.findings()).as(problem).allSatisfy((name, findings) -> {
            List<Finding> problems = findings.stream().filter(f -> f.status() == Finding.Status.PROBLEM).toList();
            if (name.equals(check)) {
                assertThat(problems).anySatisfy(f -> {
                    assertThat(f.subject()).contains(problem);
                    assertThat(f.fix()).contains(fix);
                });
            } else {
                assertThat(problems).as(name + " while breaking " + check).isEmpty();
            }
        });
        restoreTree(snapshot, tmp);
    }

    /** The AWS SDK's profile reader quotes a line it cannot read; on such a line of a credentials file sits a secret. */
    @Test
    void aCredentialsLineTheAwsSdkCannotReadIsNotPrinted() throws Exception {
        String secret = "S3CRETsessiontokenFwoGZXIvYXdz";
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "[default]\naws_access_key_id = AKIDFLEETFILE\n"
                + "aws_secret_access_key: " + secret + "==\n");
        chmod(home.resolve(".aws/credentials"), "rw-------");
        Map<String, String> env = env();
        env.remove("AWS_ACCESS_KEY_ID");
        env.remove("AWS_SECRET_ACCESS_KEY");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("fleet.jar"), "doctor");

        Run r = run(env, cmd.toArray(String[]::new));

        assertThat(r.out()).contains("aws");
        assertThat(r.out() + r.err()).doesNotContain(secret);
    }

    private static Doctor.Report inProcess(Map<String, String> env) {
        // The same launch command the jar's own install registered.
        FleetLaunch jar = new FleetLaunch(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(System.getProperty("fleet.jar")).toAbsolutePath().toString()));
        return new Doctor(StandardChecks.of(Settings.from(env), Path.of("").toAbsolutePath(), jar, "apra-fleet", java.time.Clock.systemUTC())).run();
    }

    private static String problems(Doctor.Report report) {
        StringBuilder t = new StringBuilder();
        report.findings().forEach((name, list) -> list.stream().filter(f -> f.status() == Finding.Status.PROBLEM)
                .forEach(f -> t.append(name).append(": ").append(f.subject()).append(" / fix: ").append(f.fix()).append('\n')));
        return t.toString();
    }

    private String doctor(Consumer<Map<String, String>> envChange) {
        Map<String, String> env = env();
        envChange.accept(env);
        return problems(inProcess(env));
    }

    private void replaceInRegistry(String regex, String replacement) throws Exception {
        Path registry = data.resolve("registry.json");
        Files.writeString(registry, Files.readString(registry).replaceAll(regex, replacement));
    }

    private void copyKey(Path from) throws Exception {
        Files.write(key, Files.readAllBytes(from));
    }

    private static void chmod(Path p, String mode) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private static void write(Path p, String text) throws Exception {
        Files.writeString(p, text);
    }

    private static void append(Path p, String text) throws Exception {
        Files.writeString(p, Files.readString(p) + text);
    }

    /** The files doctor looks at: home, data folder and keys, kept with their modes. */
    private static void copyTree(Path root, Path to) throws Exception {
        run(Map.of(), "cp", "-a", "--", root.resolve("home").toString(), root.resolve("data").toString(),
                root.resolve("keys").toString(), Files.createDirectories(to).toString());
    }

    private static void restoreTree(Path from, Path root) throws Exception {
        for (String part : List.of("home", "data", "keys")) {
            run(Map.of(), "rm", "-rf", "--", root.resolve(part).toString());
            run(Map.of(), "cp", "-a", "--", from.resolve(part).toString(), root.toString());
        }
        run(Map.of(), "rm", "-rf", "--", from.toString());
    }

    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>(cloud.env());
        env.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    private Run fleet(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fleet.jar")));
        cmd.addAll(List.of(args));
        return run(env(), cmd.toArray(String[]::new));
    }

    private static void ok(Run r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }

    private static Run run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile("doctor-out", ".txt");
        Path err = Files.createTempFile("doctor-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish");
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
