package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Cloud members against a simulated EC2 (the real AWS SDK on a fake endpoint) whose instances,
 * when started, bring up an SSH server on a new loopback address, and take it down when stopped.
 */
class CloudMemberToolsTest {
    static final String ID = "i-0123456789abcdef0";

    @TempDir
    Path tmp;
    final List<String> progress = new CopyOnWriteArrayList<>();
    CloudFleet sim;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 11, Clock.systemUTC(), Map.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private FakeEc2.SimInstance machine(String id, String type, FakeEc2.State state) throws Exception {
        return sim.cloud.machine(id, type, state);
    }

    private ToolResult call(String tool, Object... kv) {
        return sim.call((done, total, message) -> progress.add(message), tool, kv);
    }

    private ToolResult register(String name, String id) {
        return call("register_member", "friendly_name", name, "member_type", "remote", "username", TestSshServer.USER,
                "port", sim.sshPort, "work_folder", sim.memberHome.resolve("work-" + name).toString(),
                "cloud_provider", "aws", "cloud_instance_id", id, "cloud_region", "us-east-1",
                "cloud_ssh_key_path", sim.key.toString(), "cloud_idle_timeout_min", 45);
    }

    private JsonNode member(String name) throws Exception {
        for (JsonNode m : new ObjectMapper().readTree(sim.home.dataDir().resolve("registry.json").toFile()).get("agents")) {
            if (m.get("friendlyName").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no member " + name);
    }

    @Test
    void aRunningInstanceIsRegisteredAtItsPublicAddressAndChecked() throws Exception {
        machine(ID, "g5.2xlarge", FakeEc2.State.RUNNING);
        ToolResult r = register("gpu", ID);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("Registered member gpu (remote)", "127.0.0.11", "cloud:     aws " + ID + " in us-east-1");
        JsonNode m = member("gpu");
        assertThat(m.get("host").asText()).isEqualTo("127.0.0.11");
        assertThat(m.get("cloud").get("idleTimeoutMin").asInt()).isEqualTo(45);
        assertThat(m.get("cloud").get("sshKeyPath").asText()).isEqualTo(sim.key.toString());
        assertThat(Files.isDirectory(sim.memberHome.resolve("work-gpu"))).isTrue();
    }

    @Test
    void aStoppedInstanceIsRegisteredWithoutSshChecksAndATerminatedOneIsRefused() throws Exception {
        machine(ID, "g5.xlarge", FakeEc2.State.STOPPED);
        ToolResult stopped = register("later", ID);
        assertThat(stopped.isError()).as(stopped.text()).isFalse();
        assertThat(stopped.text()).contains("is stopped: registered without SSH checks");
        assertThat(sim.ec2.requests("StartInstances")).isZero();

        machine("i-0000000000000dead", "t3.micro", FakeEc2.State.TERMINATED);
        ToolResult dead = register("dead", "i-0000000000000dead");
        assertThat(dead.isError()).isTrue();
        assertThat(dead.text()).contains("terminated", "not registered");

        assertThat(call("register_member", "friendly_name", "x", "member_type", "remote", "username", "u",
                "work_folder", "/w", "cloud_instance_id", ID).text()).contains("cloud_ssh_key_path is required");
        assertThat(call("register_member", "friendly_name", "x", "member_type", "remote", "username", "u",
                "work_folder", "/w", "cloud_instance_id", ID, "cloud_ssh_key_path", sim.key.toString(), "cloud_region", "moon-1")
                .text()).contains("cloud_region", "AWS region");
        assertThat(call("register_member", "friendly_name", "x", "member_type", "remote", "username", "u", "work_folder", "/w",
                "cloud_instance_id", "i-00000000000000404", "cloud_ssh_key_path", sim.key.toString()).text())
                .contains("InvalidInstanceID.NotFound", "not registered");
    }

    /**
     * The idle watcher judges an instance by its member's work: a second member on the same
     * instance would have it stopped under the first one's running command. So there is one.
     */
    @Test
    void aSecondMemberForTheSameInstanceIsRefusedNamingTheFirst() throws Exception {
        machine(ID, "g5.xlarge", FakeEc2.State.STOPPED);
        assertThat(register("first", ID).isError()).isFalse();
        ToolResult second = register("second", ID);
        assertThat(second.isError()).isTrue();
        assertThat(second.text()).contains("cloud_instance_id", ID, "already the instance of member first", "one member per cloud instance");
        assertThat(call("list_members").text()).doesNotContain("second");

        machine("i-0000000000000beef", "g5.xlarge", FakeEc2.State.STOPPED);
        assertThat(register("other", "i-0000000000000beef").isError()).isFalse();
        ToolResult moved = call("update_member", "member_name", "other", "cloud_instance_id", ID);
        assertThat(moved.isError()).isTrue();
        assertThat(moved.text()).contains("already the instance of member first");
        assertThat(member("other").get("cloud").get("instanceId").asText()).isEqualTo("i-0000000000000beef");
    }

    @Test
    void aCommandOnAStoppedMemberStartsItAndRunsAtTheNewAddress() throws Exception {
        machine(ID, "g5.xlarge", FakeEc2.State.STOPPED);
        register("auto", ID);
        ToolResult r = call("execute_command", "member_name", "auto", "command", "echo woke up; pwd");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("woke up", "work-auto");
        assertThat(member("auto").get("host").asText()).isEqualTo("127.0.0.11");
        assertThat(sim.ec2.requests("StartInstances")).isEqualTo(1);
        assertThat(progress).anyMatch(p -> p.contains("starting instance " + ID));

        // Confirmed running moments ago: the next call asks AWS nothing.
        int describes = sim.ec2.requests("DescribeInstances");
        assertThat(call("execute_command", "member_name", "auto", "command", "echo again").text()).contains("again");
        assertThat(sim.ec2.requests("DescribeInstances")).isEqualTo(describes);

        // Stopped and started again: a new address, followed.
        assertThat(call("cloud_control", "member_name", "auto", "action", "stop").text()).contains("Stopping instance");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sim.ec2.instance(ID).state() == FakeEc2.State.STOPPED);
        assertThat(call("execute_command", "member_name", "auto", "command", "echo second life").text()).contains("second life");
        assertThat(member("auto").get("host").asText()).isEqualTo("127.0.0.12");
    }

    @Test
    void twoConcurrentCallsStartTheInstanceOnce() throws Exception {
        machine(ID, "t3.small", FakeEc2.State.STOPPED).pendingDelay(Duration.ofMillis(800));
        register("race", ID);
        List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int n = i;
            calls.add(CompletableFuture.supplyAsync(() -> call("execute_command", "member_name", "race", "command", "echo racer-" + n)));
        }
        for (int i = 0; i < 2; i++) {
            assertThat(calls.get(i).get(60, TimeUnit.SECONDS).text()).contains("racer-" + i);
        }
        assertThat(sim.ec2.requests("StartInstances")).isEqualTo(1);
    }

    @Test
    void stoppingAndPendingInstancesAreWaitedOut() throws Exception {
        FakeEc2.SimInstance i = machine(ID, "t3.small", FakeEc2.State.RUNNING).stoppingDelay(Duration.ofMillis(600));
        register("wait", ID);
        try (Ec2Client aws = FakeEc2.client(sim.ec2.endpoint())) {
            aws.stopInstances(b -> b.instanceIds(ID));
        }
        assertThat(i.state()).isEqualTo(FakeEc2.State.STOPPING);
        assertThat(call("execute_command", "member_name", "wait", "command", "echo after stopping").text()).contains("after stopping");
        assertThat(progress).anyMatch(p -> p.contains("is stopping"));

        call("cloud_control", "member_name", "wait", "action", "stop");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> i.state() == FakeEc2.State.STOPPED);
        i.pendingDelay(Duration.ofMillis(600));
        try (Ec2Client aws = FakeEc2.client(sim.ec2.endpoint())) {
            aws.startInstances(b -> b.instanceIds(ID));
        }
        assertThat(call("execute_command", "member_name", "wait", "command", "echo after pending").text()).contains("after pending");
        assertThat(sim.ec2.requests("StartInstances")).isEqualTo(2); // ours above only; fleet waited instead of starting
    }

    @Test
    void throttlingIsSurvivedAndTerminationIsAClearError() throws Exception {
        FakeEc2.SimInstance i = machine(ID, "t3.small", FakeEc2.State.STOPPED);
        register("rough", ID);
        sim.ec2.throttleNext(2);
        assertThat(call("execute_command", "member_name", "rough", "command", "echo through").text()).contains("through");

        call("cloud_control", "member_name", "rough", "action", "stop");
        i.setState(FakeEc2.State.TERMINATED);
        ToolResult r = call("execute_command", "member_name", "rough", "command", "echo never");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("terminated", "cannot be started");
    }

    @Test
    void anInstanceThatNeverAnswersOnSshGivesABoundedClearError() throws Exception {
        FakeEc2.SimInstance i = sim.ec2.addInstance(ID, "t3.small", FakeEc2.State.STOPPED);
        i.hooks(instance -> "127.0.0.99"); // boots, but nothing listens there
        register("mute", ID);
        ToolResult r = call("execute_command", "member_name", "mute", "command", "echo never");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("127.0.0.99", "did not answer within 3s");
    }

    @Test
    void cloudControlStartStopAndStatus() throws Exception {
        machine(ID, "g5.2xlarge", FakeEc2.State.STOPPED);
        register("ctl", ID);
        Files.writeString(sim.home.dataDir().resolve("pricing.json"), "{\"g5.2xlarge\": 2.5}");

        ToolResult start = call("cloud_control", "member_name", "ctl", "action", "start");
        assertThat(start.text()).contains("is running at 127.0.0.11", "started");
        ToolResult status = call("cloud_control", "member_name", "ctl", "action", "status");
        assertThat(status.text()).contains(ID, "running", "g5.2xlarge", "$2.500/h", "idle stop: after 45 min", "GPU:");
        ToolResult stop = call("cloud_control", "member_name", "ctl", "action", "stop");
        assertThat(stop.text()).contains("now stopping");
        assertThat(call("cloud_control", "member_name", "ctl", "action", "reboot").text()).contains("action must be one of");

        Path plain = Files.createDirectories(tmp.resolve("plain"));
        sim.fleet().tools().run("register_member", Map.of("friendly_name", "plain", "member_type", "local", "work_folder", plain.toString()),
                ToolCall.NONE);
        assertThat(call("cloud_control", "member_name", "plain", "action", "stop").text())
                .contains("member_name", "not a cloud member");
    }

    /**
     * An endpoint standing in for EC2 that gives the request's signed headers back inside the
     * instance's type and address: those fields have a known shape, and what is not of it is not
     * shown (cloud_control status, member_detail, fleet_status) nor written to the spend ledger.
     */
    @Test
    void signedHeadersEchoedInAnInstancesTypeAndAddressReachNoResultAndNoFile() throws Exception {
        String sessionToken = "IQoJb3JpZ2luX2VjECHOEDTOKEN0123456789abcdef";
        sim.close();
        sim = new CloudFleet(tmp.resolve("with-token"), 11, Clock.systemUTC(), Map.of("AWS_SESSION_TOKEN", sessionToken));
        FakeEc2.SimInstance i = machine(ID, "g5.2xlarge", FakeEc2.State.RUNNING);
        assertThat(register("echo", ID).isError()).isFalse();
        i.quoteHeadersInAnswers();

        List<ToolResult> results = List.of(call("cloud_control", "member_name", "echo", "action", "status"),
                call("member_detail", "member_name", "echo"), call("fleet_status"));
        assertThat(results.get(0).text()).contains(ID, "running", "no public IP").doesNotContain("g5.2xlarge");
        ObjectMapper json = new ObjectMapper();
        List<String> seen = new ArrayList<>();
        for (ToolResult r : results) {
            assertThat(r.isError()).as(r.text()).isFalse();
            seen.add(r.text());
            seen.add(json.writeValueAsString(r.structured()));
        }
        try (var files = Files.walk(sim.home.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                seen.add(f + ": " + Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(seen).as("results and fleet's files").noneMatch(s -> s.contains(sessionToken) || s.contains("AWS4-HMAC-SHA256")
                || s.contains("Signature=") || s.contains("X-Amz-Security-Token"));
    }

    @Test
    void statusShowsStoppedMembersOffWithoutContactingThemAndRunningOnesWithCost() throws Exception {
        machine(ID, "g5.2xlarge", FakeEc2.State.RUNNING);
        machine("i-0fedcba9876543210", "p5.48xlarge", FakeEc2.State.STOPPED);
        register("on", ID);
        register("off", "i-0fedcba9876543210");
        ToolResult status = call("fleet_status");
        assertThat(status.text()).containsPattern("on\\s+remote\\s+online").contains("[cloud:running g5.2xlarge");
        assertThat(status.text()).containsPattern("off\\s+remote\\s+OFF\\(cloud\\)").contains("[cloud:stopped p5.48xlarge]");
        assertThat(sim.ec2.requests("StartInstances")).isZero();

        JsonNode json = new ObjectMapper().readTree(call("fleet_status", "format", "json").text());
        assertThat(json.get("members").get(0).get("cloud").get("hourlyRateUsd").asDouble()).isEqualTo(1.212);
        assertThat(json.get("members").get(1).get("cloud").get("state").asText()).isEqualTo("stopped");

        assertThat(call("member_detail", "member_name", "off").text()).contains("instance stopped", "idle stop: after 45 min");
        sim.ec2.failNext(10);
        assertThat(call("fleet_status").text()).contains("cloud error");
    }

    /**
     * Checksums need a hash command on the member, which Windows lacks: asked for one, send_files
     * and receive_files refuse by the parameter's name before a stopped instance is started for it,
     * and nothing is written on either side.
     */
    @Test
    void aChecksumRequestForAWindowsMemberIsRefusedBeforeItsInstanceIsStarted() throws Exception {
        machine(ID, "g5.xlarge", FakeEc2.State.STOPPED);
        assertThat(register("win", ID).isError()).isFalse();
        // Registered while stopped, so never probed: the registry says which OS it runs.
        Path registry = sim.home.dataDir().resolve("registry.json");
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(registry.toFile());
        root.get("agents").forEach(m -> ((ObjectNode) m).put("os", "windows"));
        Files.writeString(registry, json.writeValueAsString(root));
        sim.restart();
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("a.txt"), "a\n");
        Path back = tmp.resolve("back");
        int describes = sim.ec2.requests("DescribeInstances");

        ToolResult sent = call("send_files", "member_name", "win", "local_paths", List.of(out.toString()),
                "skip_unchanged", "checksum");
        ToolResult received = call("receive_files", "member_name", "win", "remote_paths", List.of("."),
                "local_dest", back.toString(), "skip_unchanged", "checksum");

        for (ToolResult r : List.of(sent, received)) {
            assertThat(r.isError()).as(r.text()).isTrue();
            assertThat(r.text()).contains("skip_unchanged", "checksum needs a Linux or macOS member");
        }
        assertThat(sim.ec2.requests("StartInstances")).as("the instance was never started").isZero();
        assertThat(sim.ec2.requests("DescribeInstances")).as("AWS was not even asked").isEqualTo(describes);
        assertThat(progress).noneMatch(p -> p.contains("starting instance"));
        assertThat(back).doesNotExist();
    }
}
