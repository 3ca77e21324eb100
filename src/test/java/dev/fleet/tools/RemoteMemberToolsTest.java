package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.exec.ssh.TofuHostKeys;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote members against an in-process SSH server on 127.0.0.1, through the tools. */
class RemoteMemberToolsTest {
    @TempDir
    Path tmp;
    FleetHarness fleet;
    TestSshServer sshd;
    Path key;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new FleetHarness(tmp);
        sshd = new TestSshServer(fleet.home, tmp.resolve("sshd")).start();
        key = TestKeys.write(tmp.resolve("keys/id_ed25519"), "ssh-ed25519", 256, null);
        TestKeys.authorize(fleet.home, key);
        work = tmp.resolve("remote-work");
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        sshd.close();
    }

    private ToolResult registerKey(String name, Path keyFile, Path folder) {
        return fleet.call("register_member", "friendly_name", name, "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", keyFile.toString(),
                "work_folder", folder.toString());
    }

    private JsonNode registry() throws Exception {
        return new ObjectMapper().readTree(fleet.home.dataDir().resolve("registry.json").toFile());
    }

    /**
     * One member per folder: a folder written another way ("//", a "." segment) is the same folder;
     * a ".." is refused by name before the member is reached (making the folder made the one before
     * the ".." too, outside it).
     */
    @Test
    void aFolderWrittenAnotherWayIsTakenAndADotDotIsRefusedBeforeAnythingIsMade() throws Exception {
        assertThat(registerKey("first", key, work).isError()).isFalse();
        for (String same : new String[] {work + "/.", work.getParent() + "//" + work.getFileName(), work + "/./"}) {
            ToolResult r = fleet.call("register_member", "friendly_name", "again", "member_type", "remote", "host", "127.0.0.1",
                    "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                    "work_folder", same);
            assertThat(r.isError()).as(same).isTrue();
            assertThat(r.text()).as(same).contains("already the folder of member first");
        }
        Path made = tmp.resolve("made-by-dotdot");
        ToolResult dotDot = fleet.call("register_member", "friendly_name", "dotdot", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                "work_folder", made + "/../elsewhere");
        assertThat(dotDot.isError()).isTrue();
        assertThat(dotDot.text()).contains("work_folder", "'..'");
        assertThat(made).doesNotExist();
        assertThat(tmp.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void registersWithEveryKeyTypeDetectsTheOsAndCreatesTheFolder() throws Exception {
        fleet.home.installFakeAgentCli("2.0.1");
        ToolResult r = registerKey("ed", key, work);
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("Registered member ed (remote)", "OS:        linux", "latency:", "2.0.1 (Claude Code)");
        assertThat(Files.isDirectory(work)).isTrue();
        JsonNode m = registry().get("agents").get(0);
        assertThat(m.get("agentType").asText()).isEqualTo("remote");
        assertThat(m.get("authType").asText()).isEqualTo("key");
        assertThat(m.get("port").asInt()).isEqualTo(sshd.port());

        for (String[] type : new String[][] {{"ecdsa-sha2-nistp256", "256"}, {"ssh-rsa", "2048"}}) {
            Path k = TestKeys.write(tmp.resolve("keys/" + type[0]), type[0], Integer.parseInt(type[1]), null);
            TestKeys.authorize(fleet.home, k);
            ToolResult other = registerKey("k-" + type[1], k, tmp.resolve("w-" + type[1]));
            assertThat(other.isError()).as(type[0] + ": " + other.text()).isFalse();
        }
        assertThat(fleet.home.dataDir().resolve("known_hosts")).exists();
    }

    /**
     * update_member does not contact the member, so it cannot expand ~ there: a remote work folder
     * in that form is refused by name (kept as written, it would later be made as a folder named
     * "~" in the login folder), and nothing changes.
     */
    @Test
    void aRemoteWorkFolderChangedToATildeFormIsRefusedAndChangesNothing() throws Exception {
        assertThat(registerKey("ed", key, work).isError()).isFalse();
        ToolResult r = fleet.call("update_member", "member_name", "ed", "work_folder", "~/w2");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("work_folder", "must be an absolute path on the member", "'~/w2'");
        assertThat(registry().get("agents").get(0).get("workFolder").asText()).isEqualTo(work.toString());
    }

    @Test
    void passwordMembersWorkAndTheirPasswordIsStoredEncrypted() throws Exception {
        ToolResult r = fleet.call("register_member", "friendly_name", "pw", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password", "password", TestSshServer.PASSWORD,
                "work_folder", work.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
        String stored = Files.readString(fleet.home.dataDir().resolve("registry.json"));
        assertThat(stored).contains("encryptedPassword").doesNotContain(TestSshServer.PASSWORD);
        assertThat(registry().get("agents").get(0).get("encryptedPassword").asText()).as("sealed with the key file").startsWith("v2:");
        assertThat(fleet.home.dataDir().resolve("secret.key")).exists();
        assertThat(fleet.call("list_members").text()).doesNotContain(TestSshServer.PASSWORD, "encryptedPassword");
        assertThat(fleet.call("execute_command", "member_name", "pw", "command", "echo via-password").text()).contains("via-password");
        assertThat(sshd.sessions()).as("the call uses the connection the registration opened").isEqualTo(1);
    }

    @Test
    void aPasswordSealedByAnEarlierVersionStillLogsInAndIsSealedAgainWithTheKeyOnFirstUse() throws Exception {
        ToolResult r = fleet.call("register_member", "friendly_name", "pw", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password", "password", TestSshServer.PASSWORD,
                "work_folder", work.toString());
        assertThat(r.isError()).as(r.text()).isFalse();
        // The registry as an earlier fleet on this machine left it: the password sealed with the host-derived key.
        Path registry = fleet.home.dataDir().resolve("registry.json");
        String current = registry().get("agents").get(0).get("encryptedPassword").asText();
        String old = dev.fleet.testing.LegacySeal.seal(TestSshServer.PASSWORD, fleet.home.dataDir().resolve("salt"),
                dev.fleet.security.SecretBox.localMachineIdentity());
        Files.writeString(registry, Files.readString(registry).replace(current, old));

        assertThat(fleet.call("execute_command", "member_name", "pw", "command", "echo via-old-seal").text()).contains("via-old-seal");
        String migrated = registry().get("agents").get(0).get("encryptedPassword").asText();
        assertThat(migrated).startsWith("v2:").isNotEqualTo(current);
        assertThat(Files.readString(registry)).doesNotContain(old).doesNotContain(TestSshServer.PASSWORD);
        fleet.fleet.channels().releaseAll();
        assertThat(fleet.call("execute_command", "member_name", "pw", "command", "echo via-new-seal").text()).contains("via-new-seal");
    }

    @Test
    void anUnreachableMemberIsNotRegisteredAndTheErrorSaysWhy() throws Exception {
        ToolResult wrongPassword = fleet.call("register_member", "friendly_name", "x", "member_type", "remote",
                "host", "127.0.0.1", "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                "password", "wrong-password", "work_folder", work.toString());
        assertThat(wrongPassword.text()).contains("authentication failed", "not registered").doesNotContain("wrong-password");
        assertThat(fleet.home.dataDir().resolve("secret.key")).as("a refused password leaves no key file").doesNotExist();

        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote", "host", "127.0.0.1",
                "port", closedPort, "username", "u", "auth_type", "key", "key_path", key.toString(),
                "work_folder", "/w").text()).contains("connection refused", "not registered");

        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote", "host", "no-such-host.invalid",
                "username", "u", "auth_type", "key", "key_path", key.toString(), "work_folder", "/w").text())
                .contains("cannot resolve host", "not registered");

        Path encrypted = TestKeys.write(tmp.resolve("keys/locked"), "ssh-ed25519", 256, "passphrase");
        assertThat(registerKey("x", encrypted, work).text()).contains("protected by a passphrase", "not registered");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote", "host", "127.0.0.1",
                "username", "u", "auth_type", "key", "key_path", tmp.resolve("nokey").toString(), "work_folder", "/w").text())
                .contains("key_path", "does not exist");
        assertThat(fleet.call("register_member", "friendly_name", "x", "member_type", "remote", "username", "u",
                "auth_type", "key", "key_path", key.toString(), "work_folder", "/w").text()).contains("host is required");
        assertThat(Files.exists(fleet.home.dataDir().resolve("registry.json"))).isFalse();
        assertThat(Files.exists(work)).isFalse();
    }

    @Test
    void aChangedHostKeyIsRefusedUntilDeliberatelyForgotten() throws Exception {
        registerKey("hk", key, work);
        sshd.restartWithNewHostKey();
        ToolResult refused = fleet.call("execute_command", "member_name", "hk", "command", "echo should-not-run");
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("host key of [127.0.0.1]:" + sshd.port() + " has changed",
                "fleet forget-host [127.0.0.1]:" + sshd.port()).doesNotContain("should-not-run\n");

        new TofuHostKeys(fleet.home.dataDir().resolve("known_hosts")).forget("127.0.0.1", sshd.port());
        assertThat(fleet.call("execute_command", "member_name", "hk", "command", "echo accepted").text()).contains("accepted");
    }

    @Test
    void commandsRunInTheRemoteFolderWithExitCodesAndStreams() throws Exception {
        registerKey("run", key, work);
        ToolResult r = fleet.call("execute_command", "member_name", "run", "command", "pwd; echo out; echo err >&2; exit 4");
        assertThat(r.text()).contains("Exit code 4", work.toString(), "out", "err");
        Path sub = Files.createDirectories(tmp.resolve("sub dir"));
        assertThat(fleet.call("execute_command", "member_name", "run", "command", "pwd", "work_folder", sub.toString()).text())
                .contains(sub.toString());
        assertThat(fleet.call("execute_command", "member_name", "run", "command", "pwd", "work_folder", "/no/such/dir").text())
                .contains("Exit code 127", "work folder /no/such/dir does not exist on the member");
    }

    @Test
    void aTimeoutEndsTheRemoteCommandAndWhatItStarted() throws Exception {
        registerKey("slow", key, work);
        Path marker = work.resolve("survivor");
        ToolResult r = fleet.call("execute_command", "member_name", "slow", "timeout_ms", 500,
                "command", "(sleep 1; touch " + marker + ") & sleep 30");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("Timed out after 500 ms");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !Files.exists(marker));
        assertThat(fleet.call("execute_command", "member_name", "slow", "command", "echo still-usable").text()).contains("still-usable");
    }

    @Test
    void twentyMegabytesOfOutputAreCappedAndKeptWhole() throws Exception {
        registerKey("loud", key, work);
        ToolResult r = fleet.call("execute_command", "member_name", "loud", "command",
                "head -c 20000000 /dev/zero | tr '\\0' x; printf END");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) r.structured();
        assertThat(data.get("exitCode")).isEqualTo(0);
        assertThat(Files.size(Path.of((String) data.get("stdoutFullPath")))).isEqualTo(20_000_003L);
        assertThat((String) data.get("stdout")).endsWith("END");
    }

    @Test
    void parallelCallsOnOneMemberShareItsConnection() throws Exception {
        registerKey("par", key, work);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> fleet.call("execute_command", "member_name", "par",
                        "command", "sleep 0.2; echo call-" + n), pool));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(60, TimeUnit.SECONDS).text()).contains("Exit code 0", "call-" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDroppedConnectionIsACleanErrorAndTheNextCallReconnects() throws Exception {
        registerKey("drop", key, work);
        CompletableFuture<ToolResult> running = CompletableFuture.supplyAsync(() ->
                fleet.call("execute_command", "member_name", "drop", "command", "sleep 20", "timeout_ms", 60_000));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 20")));
        sshd.dropConnections();
        ToolResult dropped = running.get(30, TimeUnit.SECONDS);
        assertThat(dropped.isError()).isTrue();
        assertThat(dropped.text()).contains("connection to", "lost");
        assertThat(fleet.call("execute_command", "member_name", "drop", "command", "echo back").text()).contains("back");
    }

    @Test
    void aServerRestartBetweenCallsIsTransparent() throws Exception {
        registerKey("restart", key, work);
        assertThat(fleet.call("execute_command", "member_name", "restart", "command", "echo one").text()).contains("one");
        sshd.restart();
        assertThat(fleet.call("execute_command", "member_name", "restart", "command", "echo two").text()).contains("Exit code 0", "two");
    }

    @Test
    void filesAndFoldersTravelOverSftpInsideTheWorkFolderOnly() throws Exception {
        registerKey("files", key, work);
        Path src = Files.createDirectories(tmp.resolve("src/tree/deeper"));
        Files.write(tmp.resolve("src/big.bin"), new byte[3 * 1024 * 1024 + 7]);
        Files.writeString(src.resolve("leaf.txt"), "leaf");

        ToolResult sent = fleet.call("send_files", "member_name", "files", "remote_subfolder", "incoming",
                "local_paths", List.of(tmp.resolve("src/big.bin").toString(), tmp.resolve("src/tree").toString()));
        assertThat(sent.text()).contains("Sent 2 of 2");
        assertThat(Files.size(work.resolve("incoming/big.bin"))).isEqualTo(3 * 1024 * 1024 + 7);
        assertThat(Files.readString(work.resolve("incoming/tree/deeper/leaf.txt"))).isEqualTo("leaf");

        assertThat(fleet.call("send_files", "member_name", "files", "remote_subfolder", "../../x",
                "local_paths", List.of(tmp.resolve("src/big.bin").toString())).text()).contains("remote_subfolder", "inside");

        Files.createSymbolicLink(work.resolve("escape"), tmp);
        // A link through a folder that does not exist still climbs out: resolved by name, then refused.
        Files.createSymbolicLink(work.resolve("sneaky"), Path.of("missing/../../.."));
        Path back = tmp.resolve("back");
        ToolResult got = fleet.call("receive_files", "member_name", "files", "local_dest", back.toString(),
                "remote_paths", List.of("incoming/tree", "incoming/big.bin", "../", "escape/src/big.bin", "sneaky/src/big.bin"));
        assertThat(got.text()).contains("Received 2 of 5", "../: outside the work folder", "escape/src/big.bin: outside",
                "sneaky/src/big.bin: outside");
        assertThat(Files.readString(back.resolve("tree/deeper/leaf.txt"))).isEqualTo("leaf");
        assertThat(Files.size(back.resolve("big.bin"))).isEqualTo(3 * 1024 * 1024 + 7);
    }

    @Test
    void aLargeFileIsSentAsAStreamUnlessTheUserSwitchedThatOff() throws Exception {
        Path big = Files.write(tmp.resolve("big.bin"), new byte[5 * 1024 * 1024]);
        registerKey("streamed", key, work);
        assertThat(fleet.call("send_files", "member_name", "streamed", "local_paths", List.of(big.toString())).text())
                .contains("Sent 1 of 1");
        assertThat(Files.mismatch(big, work.resolve("big.bin"))).isEqualTo(-1);
        assertThat(sshd.writtenFiles()).as("no SFTP write").isEmpty();

        Path other = tmp.resolve("switched-off");
        try (FleetHarness off = new FleetHarness(other, java.util.Map.of("FLEET_UPLOAD_STREAM", "off"));
             TestSshServer offSshd = new TestSshServer(off.home, other.resolve("sshd")).start()) {
            TestKeys.authorize(off.home, key);
            Path offWork = other.resolve("remote-work");
            off.call("register_member", "friendly_name", "sftp-only", "member_type", "remote", "host", "127.0.0.1",
                    "port", offSshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                    "work_folder", offWork.toString());
            assertThat(off.call("send_files", "member_name", "sftp-only", "local_paths", List.of(big.toString())).text())
                    .contains("Sent 1 of 1");
            assertThat(Files.mismatch(big, offWork.resolve("big.bin"))).isEqualTo(-1);
            assertThat(offSshd.writtenFiles().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5L * 1024 * 1024);
        }
    }

    @Test
    void statusAndDetailCoverRemoteMembersAndReportOfflineOnesWithTheReason() throws Exception {
        fleet.home.installFakeAgentCli("3.0.0");
        registerKey("r1", key, work);
        registerKey("r2", key, tmp.resolve("second"));
        fleet.registerLocal("loc", tmp.resolve("local"));

        ToolResult status = fleet.call("fleet_status");
        assertThat(status.text()).startsWith("Fleet: 3 members, 3 online")
                .containsPattern("r1\\s+remote\\s+online").containsPattern("r2\\s+remote\\s+online");
        ToolResult detail = fleet.call("member_detail", "member_name", "r1");
        assertThat(detail.text()).contains("connectivity: online", "agent CLI: 3.0.0", "system: load", "disk:", "auth method: key");

        sshd.stop();
        ToolResult offline = fleet.call("fleet_status");
        assertThat(offline.text()).startsWith("Fleet: 3 members, 1 online").containsPattern("r1\\s+remote\\s+OFFLINE")
                .contains("connection refused");
        assertThat(fleet.call("member_detail", "member_name", "r2").text()).contains("connectivity: unavailable");
    }

    @Test
    void setupSshKeyMovesAPasswordMemberToAVerifiedKeyAndRemoveTakesItBack() throws Exception {
        Files.delete(fleet.home.home().resolve(".ssh/authorized_keys"));
        fleet.call("register_member", "friendly_name", "pw2key", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "password", TestSshServer.PASSWORD,
                "work_folder", work.toString());
        ToolResult r = fleet.call("setup_ssh_key", "member_name", "pw2key");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("now uses SSH key auth", "Ed25519", "key login:   verified");
        JsonNode m = registry().get("agents").get(0);
        assertThat(m.get("authType").asText()).isEqualTo("key");
        assertThat(m.has("encryptedPassword")).isFalse();
        Path fleetKey = Path.of(m.get("keyPath").asText());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fleetKey))).isEqualTo("rw-------");
        assertThat(Files.readString(fleet.home.home().resolve(".ssh/authorized_keys"))).contains("fleet-pw2key");
        assertThat(fleet.call("execute_command", "member_name", "pw2key", "command", "echo by-key").text()).contains("by-key");
        assertThat(fleet.call("setup_ssh_key", "member_name", "pw2key").text()).contains("already uses key auth");

        ToolResult removed = fleet.call("remove_member", "member_name", "pw2key");
        assertThat(removed.text()).contains("Removed member pw2key").doesNotContain("Warning");
        assertThat(Files.readString(fleet.home.home().resolve(".ssh/authorized_keys"))).doesNotContain("fleet-pw2key");
        assertThat(fleetKey).doesNotExist();
    }

    @Test
    void aFailedKeySetupLeavesTheMemberOnPasswordAuth() throws Exception {
        fleet.call("register_member", "friendly_name", "stay", "member_type", "remote", "host", "127.0.0.1",
                "port", sshd.port(), "username", TestSshServer.USER, "password", TestSshServer.PASSWORD,
                "work_folder", work.toString());
        // authorized_keys cannot be written: the key is added nowhere, so the key login must fail.
        Path ssh = fleet.home.home().resolve(".ssh");
        Files.delete(ssh.resolve("authorized_keys"));
        Files.delete(ssh);
        Files.writeString(ssh, "not a folder");
        ToolResult r = fleet.call("setup_ssh_key", "member_name", "stay");
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("stays on password auth");
        JsonNode m = registry().get("agents").get(0);
        assertThat(m.get("authType").asText()).isEqualTo("password");
        assertThat(m.get("encryptedPassword").asText()).isNotBlank();
        try (var keys = Files.list(fleet.home.dataDir().resolve("keys"))) {
            assertThat(keys.toList()).isEmpty();
        }
    }

    /**
     * remove_member takes back what fleet deployed before it forgets the member, which on a slow
     * member takes seconds. A client that renames the member meanwhile and registers another under
     * the old name must not have that other member removed in its place: the member forgotten is
     * the one whose credentials were taken back.
     */
    @Test
    void aMemberRenamedWhileItIsRemovedIsTheOneRemovedNotTheOneRegisteredUnderItsOldName() throws Exception {
        assertThat(registerKey("x", key, work).isError()).isFalse();
        // A port that takes connections and never answers: the removal's clean-up waits for it.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(fleet.call("update_member", "member_name", "x", "port", silent.getLocalPort()).isError()).isFalse();
            String oldId = registry().get("agents").get(0).get("id").asText();
            java.util.concurrent.CompletableFuture<ToolResult> removal = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> fleet.call("remove_member", "member_name", "x"));
            Thread.sleep(1500);
            assertThat(removal).as("still taking back").isNotDone();
            assertThat(fleet.call("update_member", "member_name", "x", "friendly_name", "renamed").isError()).isFalse();
            assertThat(fleet.registerLocal("x", tmp.resolve("local-x")).isError()).isFalse();

            ToolResult removed = removal.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(removed.isError()).as(removed.text()).isFalse();
            assertThat(removed.text()).contains(oldId);
        }
        List<String> names = new java.util.ArrayList<>();
        registry().get("agents").forEach(a -> names.add(a.get("friendlyName").asText()));
        assertThat(names).containsExactly("x");
        assertThat(registry().get("agents").get(0).get("agentType").asText()).isEqualTo("local");
    }
}
