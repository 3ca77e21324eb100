package dev.fleet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeEc2.Hooks;
import dev.fleet.testing.FakeEc2.SimInstance;
import dev.fleet.testing.FakeEc2.State;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateChange;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;

/** The fake EC2 endpoint, driven by the real AWS SDK v2 client (and the AWS CLI when installed). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeEc2Test {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeEc2 ec2;
    private Ec2Client client;
    private Ec2Client noRetryClient;

    @BeforeEach
    void start() throws IOException {
        ec2 = new FakeEc2().start();
        client = FakeEc2.client(ec2.endpoint());
        noRetryClient = FakeEc2.client(ec2.endpoint(), o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    @AfterEach
    void stop() {
        client.close();
        noRetryClient.close();
        ec2.close();
    }

    private Instance describe(String id) {
        DescribeInstancesResponse r = client.describeInstances(b -> b.instanceIds(id));
        assertThat(r.reservations()).hasSize(1);
        assertThat(r.reservations().get(0).instances()).hasSize(1);
        return r.reservations().get(0).instances().get(0);
    }

    private InstanceStateName stateOf(String id) {
        return describe(id).state().name();
    }

    @Test
    void describeReportsStateTypeLaunchTimeAndIps() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ec2.addInstance("i-0aaa000000000001", "t3.micro", State.RUNNING).setPublicIp("203.0.113.7").tag("Name", "web & <db>");
        ec2.addInstance("i-0aaa000000000002", "m5.large", State.STOPPED);
        Instant after = Instant.now();

        DescribeInstancesResponse r = client.describeInstances(b -> b.instanceIds("i-0aaa000000000001", "i-0aaa000000000002"));
        List<Instance> all = r.reservations().stream().flatMap(res -> res.instances().stream()).toList();
        assertThat(all).extracting(Instance::instanceId).containsExactly("i-0aaa000000000001", "i-0aaa000000000002");

        Instance running = all.get(0);
        assertThat(running.state().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(running.state().code()).isEqualTo(16);
        assertThat(running.instanceType()).isEqualTo(InstanceType.T3_MICRO);
        assertThat(running.launchTime()).isBetween(before, after);
        assertThat(running.publicIpAddress()).isEqualTo("203.0.113.7");
        assertThat(running.privateIpAddress()).startsWith("10.0.0.");
        assertThat(running.imageId()).isEqualTo(FakeEc2.IMAGE_ID);
        assertThat(running.placement().availabilityZone()).isEqualTo("us-east-1a");
        assertThat(running.tags()).singleElement().satisfies(t -> {
            assertThat(t.key()).isEqualTo("Name");
            assertThat(t.value()).isEqualTo("web & <db>");
        });

        Instance stopped = all.get(1);
        assertThat(stopped.state().name()).isEqualTo(InstanceStateName.STOPPED);
        assertThat(stopped.state().code()).isEqualTo(80);
        assertThat(stopped.instanceType()).isEqualTo(InstanceType.M5_LARGE);
        assertThat(stopped.publicIpAddress()).isNull();

        assertThat(ec2.requests("DescribeInstances")).isEqualTo(1);
        assertThat(ec2.actions()).containsExactly("DescribeInstances");
    }

    @Test
    void describeWithoutIdsListsEverythingAndFiltersWork() {
        ec2.addInstance("i-1", "t3.micro", State.RUNNING).tag("fleet", "yes");
        ec2.addInstance("i-2", "t3.micro", State.STOPPED).tag("fleet", "yes");
        ec2.addInstance("i-3", "t3.micro", State.RUNNING);

        assertThat(client.describeInstances().reservations()).hasSize(3);
        List<String> ids = client.describeInstances(b -> b.filters(
                        Filter.builder().name("instance-state-name").values("running").build(),
                        Filter.builder().name("tag:fleet").values("yes").build()))
                .reservations().stream().flatMap(res -> res.instances().stream()).map(Instance::instanceId).toList();
        assertThat(ids).containsExactly("i-1");
        assertThatThrownBy(() -> client.describeInstances(b -> b.filters(Filter.builder().name("bogus").values("x").build())))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void startGoesPendingThenRunningWithTheIpFromTheHook() throws Exception {
        CountDownLatch hookCalled = new CountDownLatch(1);
        CountDownLatch bootDone = new CountDownLatch(1);
        SimInstance i = ec2.addInstance("i-0start", "t3.small", State.STOPPED).pendingDelay(Duration.ofMillis(50)).hooks(inst -> {
            hookCalled.countDown();
            if (!bootDone.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test never released the boot");
            }
            return "127.0.0.77";
        });
        Instant beforeStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        List<InstanceStateChange> changes = client.startInstances(b -> b.instanceIds("i-0start")).startingInstances();
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.instanceId()).isEqualTo("i-0start");
            assertThat(c.previousState().name()).isEqualTo(InstanceStateName.STOPPED);
            assertThat(c.currentState().name()).isEqualTo(InstanceStateName.PENDING);
            assertThat(c.currentState().code()).isZero();
        });
        assertThat(stateOf("i-0start")).isEqualTo(InstanceStateName.PENDING);

        // The hook runs while the instance is still pending.
        assertThat(hookCalled.await(10, TimeUnit.SECONDS)).isTrue();
        Instance pending = describe("i-0start");
        assertThat(pending.state().name()).isEqualTo(InstanceStateName.PENDING);
        assertThat(pending.publicIpAddress()).isNull();

        bootDone.countDown();
        await().atMost(WAIT).until(() -> stateOf("i-0start") == InstanceStateName.RUNNING);
        Instance running = describe("i-0start");
        assertThat(running.publicIpAddress()).isEqualTo("127.0.0.77");
        assertThat(running.launchTime()).isAfterOrEqualTo(beforeStart);
        assertThat(i.publicIp()).isEqualTo("127.0.0.77");
        assertThat(i.state()).isEqualTo(State.RUNNING);

        // Starting a running instance changes nothing.
        assertThat(client.startInstances(b -> b.instanceIds("i-0start")).startingInstances()).singleElement().satisfies(c -> {
            assertThat(c.previousState().name()).isEqualTo(InstanceStateName.RUNNING);
            assertThat(c.currentState().name()).isEqualTo(InstanceStateName.RUNNING);
        });
        assertThat(ec2.requests("StartInstances")).isEqualTo(2);
    }

    @Test
    void defaultHooksHandOutLoopbackAddressesFrom2() {
        ec2.addInstance("i-a", "t3.micro", State.STOPPED).pendingDelay(Duration.ofMillis(10));
        ec2.addInstance("i-b", "t3.micro", State.STOPPED).pendingDelay(Duration.ofMillis(10));
        client.startInstances(b -> b.instanceIds("i-a"));
        await().atMost(WAIT).until(() -> stateOf("i-a") == InstanceStateName.RUNNING);
        client.startInstances(b -> b.instanceIds("i-b"));
        await().atMost(WAIT).until(() -> stateOf("i-b") == InstanceStateName.RUNNING);
        assertThat(describe("i-a").publicIpAddress()).isEqualTo("127.0.0.2");
        assertThat(describe("i-b").publicIpAddress()).isEqualTo("127.0.0.3");
    }

    @Test
    void aFailingStartHookLeavesTheInstancePending() {
        SimInstance i = ec2.addInstance("i-bad", "t3.micro", State.STOPPED).pendingDelay(Duration.ofMillis(10))
                .hooks(inst -> {
                    throw new IOException("no boot today");
                });
        client.startInstances(b -> b.instanceIds("i-bad"));
        await().atMost(WAIT).until(() -> i.hookError() != null);
        assertThat(i.hookError()).hasMessage("no boot today");
        assertThat(stateOf("i-bad")).isEqualTo(InstanceStateName.PENDING);
        assertThat(i.publicIp()).isNull();
    }

    @Test
    void stopGoesStoppingThenStoppedAndDropsThePublicIp() throws Exception {
        CountDownLatch stopCalled = new CountDownLatch(1);
        CountDownLatch shutdownDone = new CountDownLatch(1);
        AtomicInteger stops = new AtomicInteger();
        ec2.addInstance("i-0stop", "t3.micro", State.RUNNING).setPublicIp("127.0.0.9").stoppingDelay(Duration.ofMillis(50))
                .hooks(new Hooks() {
                    @Override
                    public String onStarted(SimInstance inst) {
                        return "127.0.0.10";
                    }

                    @Override
                    public void onStopped(SimInstance inst) throws Exception {
                        stops.incrementAndGet();
                        stopCalled.countDown();
                        if (!shutdownDone.await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("test never released the shutdown");
                        }
                    }
                });

        assertThat(client.stopInstances(b -> b.instanceIds("i-0stop")).stoppingInstances()).singleElement().satisfies(c -> {
            assertThat(c.previousState().name()).isEqualTo(InstanceStateName.RUNNING);
            assertThat(c.currentState().name()).isEqualTo(InstanceStateName.STOPPING);
            assertThat(c.currentState().code()).isEqualTo(64);
        });
        assertThat(stopCalled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stateOf("i-0stop")).isEqualTo(InstanceStateName.STOPPING);

        // EC2 refuses to start an instance that is still stopping.
        assertThatThrownBy(() -> noRetryClient.startInstances(b -> b.instanceIds("i-0stop")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectInstanceState");
                    assertThat(e.statusCode()).isEqualTo(400);
                });

        shutdownDone.countDown();
        await().atMost(WAIT).until(() -> stateOf("i-0stop") == InstanceStateName.STOPPED);
        assertThat(describe("i-0stop").publicIpAddress()).isNull();
        assertThat(stops.get()).isEqualTo(1);

        // Stopping a stopped instance changes nothing.
        assertThat(client.stopInstances(b -> b.instanceIds("i-0stop")).stoppingInstances()).singleElement().satisfies(c -> {
            assertThat(c.previousState().name()).isEqualTo(InstanceStateName.STOPPED);
            assertThat(c.currentState().name()).isEqualTo(InstanceStateName.STOPPED);
        });

        // And it starts again, with a new IP.
        client.startInstances(b -> b.instanceIds("i-0stop"));
        await().atMost(WAIT).until(() -> stateOf("i-0stop") == InstanceStateName.RUNNING);
        assertThat(describe("i-0stop").publicIpAddress()).isEqualTo("127.0.0.10");
    }

    @Test
    void stoppingAPendingInstanceCancelsTheStart() throws Exception {
        AtomicInteger started = new AtomicInteger();
        SimInstance i = ec2.addInstance("i-p", "t3.micro", State.STOPPED).pendingDelay(Duration.ofSeconds(1))
                .stoppingDelay(Duration.ofMillis(10)).hooks(inst -> {
                    started.incrementAndGet();
                    return "127.0.0.50";
                });
        long started0 = System.nanoTime();
        client.startInstances(b -> b.instanceIds("i-p"));
        assertThat(client.stopInstances(b -> b.instanceIds("i-p")).stoppingInstances().get(0).previousState().name())
                .isEqualTo(InstanceStateName.PENDING);
        await().atMost(WAIT).until(() -> i.state() == State.STOPPED);
        Thread.sleep(Math.max(0, 1500 - (System.nanoTime() - started0) / 1_000_000)); // past the original pending delay
        assertThat(i.state()).isEqualTo(State.STOPPED);
        assertThat(started.get()).isZero();
    }

    @Test
    void aTerminatedInstanceCannotBeStarted() {
        ec2.addInstance("i-dead", "t3.micro", State.TERMINATED);
        assertThatThrownBy(() -> noRetryClient.startInstances(b -> b.instanceIds("i-dead")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IncorrectInstanceState");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(stateOf("i-dead")).isEqualTo(InstanceStateName.TERMINATED);
    }

    @Test
    void terminateShutsDownThenTerminates() {
        AtomicInteger stops = new AtomicInteger();
        ec2.addInstance("i-t", "t3.micro", State.RUNNING).setPublicIp("127.0.0.5").stoppingDelay(Duration.ofMillis(10))
                .hooks(new Hooks() {
                    @Override
                    public String onStarted(SimInstance inst) {
                        return "127.0.0.6";
                    }

                    @Override
                    public void onStopped(SimInstance inst) {
                        stops.incrementAndGet();
                    }
                });
        assertThat(client.terminateInstances(b -> b.instanceIds("i-t")).terminatingInstances().get(0).currentState().name())
                .isEqualTo(InstanceStateName.SHUTTING_DOWN);
        await().atMost(WAIT).until(() -> stateOf("i-t") == InstanceStateName.TERMINATED);
        assertThat(describe("i-t").publicIpAddress()).isNull();
        assertThat(stops.get()).isEqualTo(1);
    }

    @Test
    void unknownInstanceIdsAreNotFound() {
        ec2.addInstance("i-known", "t3.micro", State.RUNNING);
        assertThatThrownBy(() -> noRetryClient.describeInstances(b -> b.instanceIds("i-known", "i-nope")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("i-nope");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.requestId()).isNotBlank();
                });
        assertThatThrownBy(() -> noRetryClient.startInstances(b -> b.instanceIds("i-nope")))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
        assertThatThrownBy(() -> noRetryClient.stopInstances(b -> b.instanceIds("i-nope")))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceID.NotFound"));
        assertThat(ec2.instance("i-known").state()).isEqualTo(State.RUNNING);
    }

    @Test
    void throttlingIsA503RequestLimitExceeded() {
        ec2.addInstance("i-th", "t3.micro", State.RUNNING);
        ec2.throttleNext(1);
        assertThatThrownBy(() -> noRetryClient.describeInstances(b -> b.instanceIds("i-th")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.isThrottlingException()).isTrue();
                });
        assertThat(ec2.requests("DescribeInstances")).isEqualTo(1);
        // The fault was used up.
        assertThat(noRetryClient.describeInstances(b -> b.instanceIds("i-th")).reservations()).hasSize(1);
    }

    @Test
    void theDefaultRetryStrategySurvivesOneThrottleAndOneServerError() {
        ec2.addInstance("i-th", "t3.micro", State.RUNNING);
        ec2.throttleNext(1);
        assertThat(describe("i-th").state().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(ec2.requests("DescribeInstances")).isEqualTo(2);

        ec2.failNext(1);
        assertThat(describe("i-th").state().name()).isEqualTo(InstanceStateName.RUNNING);
        assertThat(ec2.requests("DescribeInstances")).isEqualTo(4);
    }

    @Test
    void serverErrorsAre500InternalError() {
        ec2.addInstance("i-f", "t3.micro", State.STOPPED);
        ec2.failNext(1);
        assertThatThrownBy(() -> noRetryClient.startInstances(b -> b.instanceIds("i-f")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
                    assertThat(e.statusCode()).isEqualTo(500);
                });
        assertThat(ec2.instance("i-f").state()).isEqualTo(State.STOPPED);
        assertThat(ec2.requests("StartInstances")).isEqualTo(1);
    }

    @Test
    void delaysAndTheActionLog() {
        ec2.addInstance("i-d", "t3.micro", State.RUNNING).stoppingDelay(Duration.ofMillis(10));
        client.describeInstances(b -> b.instanceIds("i-d")); // warm up the client
        ec2.delayNext(1, Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        describe("i-d");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        long t1 = System.nanoTime();
        describe("i-d");
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("only the next request is delayed").isLessThan(Duration.ofSeconds(1));
        noRetryClient.stopInstances(b -> b.instanceIds("i-d"));
        assertThat(ec2.actions()).containsExactly("DescribeInstances", "DescribeInstances", "DescribeInstances", "StopInstances");
        assertThat(ec2.requests("DescribeInstances")).isEqualTo(3);
        assertThat(ec2.requests("StopInstances")).isEqualTo(1);
        assertThat(ec2.requests("StartInstances")).isZero();
    }

    @Test
    void closeStopsPendingTransitionsWithoutCallingHooks() throws Exception {
        AtomicInteger hookCalls = new AtomicInteger();
        SimInstance i = ec2.addInstance("i-c", "t3.micro", State.STOPPED).pendingDelay(Duration.ofSeconds(1)).hooks(inst -> {
            hookCalls.incrementAndGet();
            return "127.0.0.99";
        });
        client.startInstances(b -> b.instanceIds("i-c"));
        ec2.close();
        Thread.sleep(1500); // past the pending delay
        assertThat(hookCalls.get()).isZero();
        assertThat(i.state()).isEqualTo(State.PENDING);
        assertThatThrownBy(() -> noRetryClient.describeInstances()).isInstanceOf(Exception.class);
    }

    @Test
    void theAwsCliUnderstandsTheFake(@TempDir Path tmp) throws Exception {
        String aws = findAwsCli();
        Assumptions.assumeTrue(aws != null, "no AWS CLI installed");

        ec2.addInstance("i-0cli0000000000001", "t3.micro", State.RUNNING).setPublicIp("198.51.100.4");
        Path out = tmp.resolve("out.json");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(aws, "--endpoint-url", ec2.endpoint().toString(), "ec2", "describe-instances",
                "--instance-ids", "i-0cli0000000000001", "--region", "us-east-1", "--output", "json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        isolate(pb.environment(), tmp);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws did not finish within 60 s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("aws exit status; stderr: %s", Files.readString(err)).isZero();

        JsonNode instance = new ObjectMapper().readTree(out.toFile()).path("Reservations").path(0).path("Instances").path(0);
        assertThat(instance.path("InstanceId").asText()).isEqualTo("i-0cli0000000000001");
        assertThat(instance.path("State").path("Name").asText()).isEqualTo("running");
        assertThat(instance.path("State").path("Code").asInt()).isEqualTo(16);
        assertThat(instance.path("PublicIpAddress").asText()).isEqualTo("198.51.100.4");
        assertThat(instance.path("InstanceType").asText()).isEqualTo("t3.micro");
        assertThat(ec2.requests("DescribeInstances")).isEqualTo(1);
    }

    /** /usr/bin/aws (Debian's awscli) or, failing that, an `aws` on PATH that answers --version. */
    private static String findAwsCli() throws InterruptedException {
        List<String> candidates = new java.util.ArrayList<>(List.of("/usr/bin/aws"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(dir + "/aws");
            }
        }
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c)) && answersVersion(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean answersVersion(String aws) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(aws, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fake credentials, and none of the user's own AWS configuration. */
    private static void isolate(Map<String, String> env, Path tmp) {
        env.keySet().removeIf(k -> k.startsWith("AWS_") && !k.equals("AWS_CA_BUNDLE"));
        env.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "secret");
        env.put("AWS_CONFIG_FILE", tmp.resolve("aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_PAGER", "");
    }
}
