package dev.fleet.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FleetCommand;
import dev.fleet.testing.TestKeys;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built fleet.jar, as the launcher and the release run it: the AWS SDK is not on its class
 * path but in lib/aws, and is loaded from there by the first call that needs the cloud. A call
 * that does not loads none of it.
 */
class AwsSdkOffTheClassPathIT {
    private static final String INSTANCE = "i-0bbbbbbbbbbbbbbb2";
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private final String jar = System.getProperty("fleet.jar");

    @Test
    void onlyACallThatNeedsTheCloudLoadsTheSdkAndItComesFromLibAws() throws Exception {
        try (FakeEc2 ec2 = new FakeEc2().start()) {
            Map<String, String> env = withACloudMember(ec2);

            // The registry has a cloud member, but listing it asks no cloud.
            Path listLoaded = tmp.resolve("list-loaded.txt");
            FleetCommand.Run listed = FleetCommand.run(env, LIMIT, List.of("-Xlog:class+load=info:file=" + listLoaded), jar,
                    "call", "list_members", "{}");
            assertThat(listed.exit()).as(listed.out() + listed.err()).isZero();
            assertThat(listed.out()).contains("gpu");
            assertThat(Files.readAllLines(listLoaded)).as("classes loaded").isNotEmpty()
                    .noneMatch(l -> l.contains(" software.amazon.") || l.contains(" dev.fleet.cloud.aws."));

            Path statusLoaded = tmp.resolve("status-loaded.txt");
            FleetCommand.Run status = FleetCommand.run(env, LIMIT, List.of("-Xlog:class+load=info:file=" + statusLoaded), jar,
                    "call", "fleet_status", "{}");
            assertThat(status.exit()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).contains("cloud:stopped");
            String libAws = "source: file:" + Path.of(jar).toAbsolutePath().getParent().resolve("lib/aws") + "/";
            List<String> sdk = Files.readAllLines(statusLoaded).stream()
                    .filter(l -> l.contains(" software.amazon.awssdk.") && !l.contains("$$Lambda$")).toList();
            assertThat(sdk).as("the SDK's classes the call loaded").hasSizeGreaterThan(500)
                    .allMatch(l -> l.contains(libAws), "read from a jar in " + libAws);
            assertThat(Files.readAllLines(statusLoaded)).as("fleet's own classes for the SDK, from fleet.jar")
                    .anyMatch(l -> l.contains(" dev.fleet.cloud.aws.Ec2Provider source: file:") && l.endsWith("fleet.jar"));
        }
    }

    /**
     * A server whose registry has a cloud member readies the SDK and the member's client in the
     * background once it is up, so that the first cloud call does not also load them from
     * lib/aws; it asks EC2 nothing to do so.
     */
    @Test
    void aServerWithACloudMemberReadiesTheSdkInTheBackgroundWithoutAskingEc2() throws Exception {
        try (FakeEc2 ec2 = new FakeEc2().start()) {
            Map<String, String> env = withACloudMember(ec2);
            int before = ec2.actions().size();
            Path loaded = tmp.resolve("server-loaded.txt");
            List<String> cmd = List.of(FleetCommand.java(), "-Xlog:class+load=info:file=" + loaded, "-jar", jar, "serve", "--standalone");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("server-err.txt").toFile())
                    .redirectOutput(tmp.resolve("server-out.txt").toFile());
            pb.environment().putAll(env);
            Process server = pb.start();
            try (OutputStream in = server.getOutputStream()) {
                in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}\n"
                        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(loaded)
                        && Files.readString(loaded).contains(" software.amazon.awssdk.services.ec2.DefaultEc2Client source:"));
            } finally {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
            assertThat(ec2.actions()).as("requests to EC2 while readying").hasSize(before);
        }
    }

    /** The environment of a data folder whose registry has one cloud member (a stopped instance of {@code ec2}). */
    private Map<String, String> withACloudMember(FakeEc2 ec2) throws Exception {
        ec2.addInstance(INSTANCE, "t3.small", FakeEc2.State.STOPPED);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("APRA_FLEET_DATA_DIR", tmp.resolve("data").toString());
        env.put("FLEET_EC2_ENDPOINT", ec2.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", "AKIDFLEETTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "fleet-test-secret");
        Path key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        FleetCommand.Run registered = FleetCommand.run(env, LIMIT, List.of(), jar, "call", "register_member",
                "{\"friendly_name\":\"gpu\",\"member_type\":\"remote\",\"username\":\"fleet\",\"port\":22,\"work_folder\":\""
                        + tmp.resolve("w") + "\",\"cloud_provider\":\"aws\",\"cloud_instance_id\":\"" + INSTANCE
                        + "\",\"cloud_region\":\"us-east-1\",\"cloud_ssh_key_path\":\"" + key + "\"}");
        assertThat(registered.exit()).as(registered.out() + registered.err()).isZero();
        assertThat(registered.out()).contains(INSTANCE, "stopped");
        return env;
    }
}
