package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults at the member boundary: the instance's SSH server goes away mid-command or mid-transfer.
 * The call ends in a clear error (a transfer: file by file), nothing half-written is left under a
 * file's name, and the server keeps serving.
 */
class FaultsTest {
    static final String ID = "i-0fa017000000000f1";

    @TempDir
    Path tmp;
    /** Real time (waits and deadlines work), moved ahead by hand to make members idle. */
    final JumpingClock clock = new JumpingClock();
    CloudFleet sim;

    /** The system clock plus an offset the test can grow. */
    static final class JumpingClock extends Clock {
        private volatile Duration ahead = Duration.ZERO;

        void jump(Duration d) {
            ahead = ahead.plus(d);
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(ahead);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 121, clock, Map.of());
        sim.cloud.machine(ID, "c6i.large", FakeEc2.State.RUNNING);
        work = Files.createDirectories(sim.memberHome.resolve("w"));
        ToolResult r = sim.call("register_member", "friendly_name", "box", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", work.toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", sim.key.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private void stillServing() {
        ToolResult list = sim.call("list_members");
        assertThat(list.isError()).as(list.text()).isFalse();
        assertThat(list.text()).contains("box");
    }

    @Test
    void theSshServerGoneMidCommandEndsTheCallWithAClearErrorAndTheServerKeepsServing() throws Exception {
        CompletableFuture<ToolResult> cmd = CompletableFuture.supplyAsync(() -> sim.call("execute_command",
                "member_name", "box", "command", "touch started; sleep 30; echo finished", "timeout_ms", 60_000));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve("started")) || cmd.isDone());
        assertThat(cmd.isDone()).as("the command runs").isFalse();
        sim.cloud.server(ID).stop();

        ToolResult r = cmd.get(60, TimeUnit.SECONDS);
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(r.text()).doesNotContain("finished").doesNotContain("at dev.fleet").doesNotContain("Exception");
        stillServing();
    }

    static final int BIG = 8 << 20;
    static final long CUT_AT = 1 << 20;
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private static byte[] bigContent() {
        byte[] b = new byte[BIG];
        new Random(7).nextBytes(b);
        return b;
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * small.txt is copied first, then the server dies 1 MiB into big.bin (cut from the server side
     * at a byte count, not after a sleep): small.txt stays, big.bin is reported failed with how far
     * it got, and no half big.bin or part file is left in local_dest. The same call works again
     * once the server is back.
     */
    @Test
    void theSshServerKilledMidReceiveKeepsTheFileThatArrivedAndLeavesNoHalfFile() throws Exception {
        Files.writeString(work.resolve("small.txt"), "small and whole\n");
        byte[] big = bigContent();
        Files.write(work.resolve("big.bin"), big);
        Path dest = tmp.resolve("got");
        var killed = sim.cloud.server(ID).dieMidTransferOf("big.bin", CUT_AT);

        ToolResult r = sim.call("receive_files", "member_name", "box", "remote_paths", List.of("small.txt", "big.bin"),
                "local_dest", dest.toString());
        assertThat(killed).as("the server was killed while big.bin was read").succeedsWithin(KILL_WAIT);
        assertThat(r.text()).startsWith("Received 1 of 2 files").containsPattern("ok +\\S*small\\.txt")
                .containsPattern("FAILED +\\S*big\\.bin: the connection to \\S+ was lost after \\d+ bytes of this file")
                .doesNotContain("at dev.fleet").doesNotContain("Exception");
        assertThat(names(dest)).as("the small file arrived; no half big.bin, no part file").containsExactly("small.txt");
        assertThat(Files.readString(dest.resolve("small.txt"))).isEqualTo("small and whole\n");
        stillServing();

        sim.cloud.server(ID).restart();
        ToolResult again = sim.call("receive_files", "member_name", "box", "remote_paths", List.of("small.txt", "big.bin"),
                "local_dest", dest.toString());
        assertThat(again.isError()).as(again.text()).isFalse();
        assertThat(names(dest)).containsExactly("big.bin", "small.txt");
        assertThat(Files.readAllBytes(dest.resolve("big.bin"))).isEqualTo(big);
    }

    /**
     * A folder's files go in name order, so here big.bin goes first: the file after the cut is
     * reported as not copied (the result never claims it), and nothing of either is left behind.
     */
    @Test
    void aFileAfterTheCutIsReportedNotCopied() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.write(data.resolve("big.bin"), bigContent());
        Files.writeString(data.resolve("small.txt"), "small and whole\n");
        Path dest = tmp.resolve("got");
        var killed = sim.cloud.server(ID).dieMidTransferOf("big.bin", CUT_AT);

        ToolResult r = sim.call("receive_files", "member_name", "box", "remote_paths", List.of("data"),
                "local_dest", dest.toString());
        assertThat(killed).succeedsWithin(KILL_WAIT);
        assertThat(r.isError()).as("every file failed").isTrue();
        assertThat(r.text()).startsWith("Received 0 of 2 files")
                .containsPattern("FAILED +\\S*big\\.bin: the connection to \\S+ was lost after")
                .containsPattern("FAILED +\\S*small\\.txt: the connection to \\S+ was lost before this file; not copied");
        assertThat(names(dest.resolve("data"))).isEmpty();
        stillServing();
    }

    /**
     * The same cut while sending: small.txt is in place on the member, big.bin is not there under
     * its name (at most a hidden part file the dead connection could not remove), and the result
     * says which is which. Sent again once the server is back, big.bin arrives whole.
     */
    @Test
    void theSshServerKilledMidSendKeepsTheFileThatArrivedAndLeavesNoHalfFile() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("small.txt"), "small and whole\n");
        byte[] big = bigContent();
        Files.write(out.resolve("big.bin"), big);
        var killed = sim.cloud.server(ID).dieMidTransferOf("big.bin", CUT_AT);

        ToolResult r = sim.call("send_files", "member_name", "box", "local_paths",
                List.of(out.resolve("small.txt").toString(), out.resolve("big.bin").toString()), "remote_subfolder", "in");
        assertThat(killed).as("the server was killed while big.bin was written").succeedsWithin(KILL_WAIT);
        assertThat(r.text()).startsWith("Sent 1 of 2 files").containsPattern("ok +\\S*small\\.txt")
                .containsPattern("FAILED +\\S*big\\.bin: the connection to \\S+ was lost after \\d+ bytes of this file")
                .doesNotContain("at dev.fleet").doesNotContain("Exception");
        Path in = work.resolve("in");
        assertThat(Files.readString(in.resolve("small.txt"))).isEqualTo("small and whole\n");
        assertThat(in.resolve("big.bin")).as("no half file under the expected name").doesNotExist();
        assertThat(names(in)).allMatch(n -> n.equals("small.txt") || n.startsWith(".big.bin.fleet-part-"));
        stillServing();

        sim.cloud.server(ID).restart();
        ToolResult again = sim.call("send_files", "member_name", "box", "local_paths",
                List.of(out.resolve("big.bin").toString()), "remote_subfolder", "in");
        assertThat(again.isError()).as(again.text()).isFalse();
        assertThat(Files.readAllBytes(in.resolve("big.bin"))).isEqualTo(big);
    }

    static final String COLD = "i-0fa017000000000c2";

    /** A cloud call's error during an outage: says what AWS answered, in words, without internals or keys. */
    private static void clearCloudError(ToolResult r, String awsCode) {
        assertThat(r.isError()).as(r.text()).isTrue();
        assertThat(r.text()).contains("cold", COLD, awsCode, "try again shortly")
                .doesNotContain("at dev.fleet").doesNotContain("at software.amazon").doesNotContain("Exception")
                .doesNotContain(SECRET_KEY).doesNotContain("AKIDFLEETTEST");
    }

    /** The AWS secret key in the simulated cloud's environment. */
    static final String SECRET_KEY = "fleet-test-secret";

    /**
     * The EC2 endpoint fails every request (500, then throttling) until the test ends the outage
     * (a count of failing requests, not a wait): starting a stopped member and reading its status
     * end in a clear error naming AWS's answer; the idle watcher, unable to read any state, keeps
     * every instance (even one idle for hours); the server keeps serving; and once the endpoint
     * answers again the very same calls work.
     */
    @Test
    void anEc2OutageGivesClearErrorsStopsNothingAndTheSameCallsWorkOnceItEnds() throws Exception {
        sim.cloud.machine(COLD, "t3.small", FakeEc2.State.STOPPED);
        ToolResult reg = sim.call("register_member", "friendly_name", "cold", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", work.toString(), "cloud_instance_id", COLD,
                "cloud_ssh_key_path", sim.key.toString());
        assertThat(reg.isError()).as(reg.text()).isFalse();
        clock.jump(Duration.ofMinutes(5)); // past any remembered instance state

        sim.ec2.failNext(Integer.MAX_VALUE);
        clearCloudError(sim.call("execute_command", "member_name", "cold", "command", "echo up"), "InternalError");
        clearCloudError(sim.call("cloud_control", "member_name", "cold", "action", "status"), "InternalError");
        sim.ec2.failNext(0);
        sim.ec2.throttleNext(Integer.MAX_VALUE);
        clearCloudError(sim.call("cloud_control", "member_name", "cold", "action", "status"), "RequestLimitExceeded");
        stillServing();

        clock.jump(Duration.ofHours(3));
        var decisions = sim.fleet().idleWatcher().cycle();
        assertThat(decisions).hasSize(2).allSatisfy(d -> {
            assertThat(d.action()).isEqualTo(dev.fleet.cloud.IdleAction.KEEP);
            assertThat(d.reason()).startsWith("unknown");
        });
        assertThat(sim.ec2.requests("StopInstances")).isZero();
        assertThat(sim.ec2.instance(ID).state()).isEqualTo(FakeEc2.State.RUNNING);

        sim.ec2.throttleNext(0);
        ToolResult up = sim.call("execute_command", "member_name", "cold", "command", "echo up");
        assertThat(up.isError()).as(up.text()).isFalse();
        assertThat(up.text()).contains("up");
        assertThat(sim.call("cloud_control", "member_name", "cold", "action", "status").text()).contains(COLD, "running");
    }

    /**
     * Makes the registry file unchangeable. Tests run as root here, which ignores permissions, so
     * it gets the immutable attribute (no rename over it, no write); otherwise its folder loses
     * write permission. Skipped where neither is possible. Undone on close.
     */
    private static AutoCloseable readOnly(Path registry) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            Path dir = registry.getParent();
            var before = Files.getPosixFilePermissions(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
            return () -> Files.setPosixFilePermissions(dir, before);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", registry),
                "the file system cannot make a file immutable (chattr), and root ignores permissions");
        return () -> assertThat(chattr("-i", registry)).as("registry writable again").isTrue();
    }

    private static boolean chattr(String change, Path file) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException noChattr) {
            return false;
        }
    }

    /**
     * The registry cannot be written: every change (register, update, remove) ends in a clear error
     * naming the registry and why, the registry is byte for byte as before, and everything that
     * only reads it still works, a command on a member included. Writable again, the same change works.
     */
    @Test
    void aReadOnlyRegistryRefusesChangesClearlyLosesNothingAndReadsStillWork() throws Exception {
        Path registry = sim.home.dataDir().resolve("registry.json");
        byte[] before = Files.readAllBytes(registry);
        Path extra = Files.createDirectories(tmp.resolve("extra"));
        try (AutoCloseable frozen = readOnly(registry)) {
            for (ToolResult change : List.of(
                    sim.call("register_member", "friendly_name", "extra", "member_type", "local", "work_folder", extra.toString()),
                    sim.call("update_member", "member_name", "box", "icon", "red-square"),
                    sim.call("remove_member", "member_name", "box"))) {
                assertThat(change.isError()).as(change.text()).isTrue();
                assertThat(change.text()).contains("registry.json", "nothing was changed").containsPattern("not permitted|denied")
                        .doesNotContain("Exception").doesNotContain("at dev.fleet");
            }
            assertThat(Files.readAllBytes(registry)).as("nothing lost, nothing half-written").isEqualTo(before);
            stillServing();
            assertThat(sim.call("list_members").text()).doesNotContain("extra");
            ToolResult cmd = sim.call("execute_command", "member_name", "box", "command", "echo still works");
            assertThat(cmd.isError()).as(cmd.text()).isFalse();
            assertThat(cmd.text()).contains("still works");
        }
        ToolResult add = sim.call("register_member", "friendly_name", "extra", "member_type", "local", "work_folder", extra.toString());
        assertThat(add.isError()).as(add.text()).isFalse();
        assertThat(sim.call("list_members").text()).contains("extra", "box");
    }
}
