package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.Fleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.FakeGitHosting;
import dev.fleet.testing.GitProbe;
import dev.fleet.testing.SecretWatch;
import dev.fleet.testing.SimulatedCloud;
import dev.fleet.testing.TestKeys;
import dev.fleet.testing.TestSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git credentials on members reached over SSH (the in-process server runs commands as this user
 * with the member's own HOME), and on a cloud member that is started on demand.
 */
class RemoteVcsToolsTest {
    @TempDir
    Path tmp;

    private static ToolResult call(Fleet fleet, String tool, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            args.put((String) kv[i], kv[i + 1]);
        }
        return fleet.tools().run(tool, args, ToolCall.NONE);
    }

    @Test
    void overSshTheTokenArrivesIntactOnlyForItsHostAndRevokeRestoresTheEarlierHelper() throws Exception {
        try (FakeGitHosting hosting = new FakeGitHosting(); FleetHarness fleet = new FleetHarness(tmp, hosting.env())) {
            Path memberHome = tmp.resolve("member-home");
            TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start();
            try (sshd) {
                Path key = TestKeys.write(tmp.resolve("keys/id"), "ssh-ed25519", 256, null);
                TestKeys.authorize(memberHome, key);
                Path work = memberHome.resolve("work");
                ToolResult reg = fleet.call("register_member", "friendly_name", "box", "member_type", "remote", "host", "127.0.0.1",
                        "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "key", "key_path", key.toString(),
                        "work_folder", work.toString());
                assertThat(reg.isError()).as(reg.text()).isFalse();
                GitProbe git = new GitProbe(memberHome);
                git.git(memberHome, null, "config", "--global", "credential.helper", "store");
                assertThat(fleet.call("setup_git_app", "app_id", FakeGitHosting.APP_ID, "private_key_path",
                        hosting.writePkcs8Key(tmp.resolve("app.pem")).toString(), "installation_id", FakeGitHosting.INSTALLATION_ID)
                        .isError()).isFalse();
                String token = "ghs_$(touch PWNED)'\"`;|&\\end";
                hosting.mintTokens(() -> token);

                try (SecretWatch watch = new SecretWatch()) {
                    ToolResult r = fleet.call("provision_vcs_auth", "member_name", "box", "provider", "github", "git_access", "push",
                            "repos", List.of("acme/app"));
                    assertThat(r.isError()).as(r.text()).isFalse();
                    assertThat(r.text()).contains("git on the member answers for github.com with the new credential")
                            .doesNotContain("local member").doesNotContain(token);
                    assertThat(git.password(work, "github.com")).contains(token);
                    assertThat(git.password(work, "bitbucket.org")).isEmpty();
                    assertThat(git.helpers()).containsExactly("", "!~/.fleet-git/helper");
                    assertThat(fleet.home.home().resolve(".fleet-git")).as("the PM's own home is untouched").doesNotExist();
                    watch.close();
                    assertThat(watch.commandLines()).anyMatch(c -> c.contains(".fleet-git"));
                    assertThat(watch.commandLines()).noneMatch(c -> c.contains(token));
                    assertThat(watch.logs()).doesNotContain(token);
                }

                ToolResult revoked = fleet.call("revoke_vcs_auth", "member_name", "box", "provider", "github");
                assertThat(revoked.text()).startsWith("✅ GitHub credentials revoked on \"box\"");
                assertThat(git.helpers()).containsExactly("store");
                assertThat(memberHome.resolve(".fleet-git")).doesNotExist();
                assertThat(git.password(work, "github.com")).isEmpty();
                try (var files = Files.walk(tmp)) {
                    assertThat(files.filter(f -> f.getFileName().toString().equals("PWNED")).toList()).isEmpty();
                }

                sshd.stop();
                ToolResult offline = fleet.call("provision_vcs_auth", "member_name", "box", "provider", "github", "git_access", "read",
                        "repos", List.of("acme/app"));
                assertThat(offline.isError()).isTrue();
                assertThat(offline.text()).startsWith("❌ Member \"box\" is offline: ");
                assertThat(hosting.mints).as("nothing is minted for an offline member").hasSize(1);
            }
        }
    }

    @Test
    void aCloudMemberStartedOnDemandGetsAFreshAppToken() throws Exception {
        try (FakeGitHosting hosting = new FakeGitHosting(); SimulatedCloud cloud = new SimulatedCloud(tmp, 71)) {
            Map<String, String> env = new LinkedHashMap<>(cloud.env());
            env.putAll(hosting.env());
            try (Fleet fleet = new Fleet(env, Clock.systemUTC(), () -> { })) {
                String id = "i-0abcdef0123456789";
                cloud.machine(id, "t3.small", FakeEc2.State.RUNNING);
                Path work = cloud.memberHome.resolve("work");
                ToolResult reg = call(fleet, "register_member", "friendly_name", "cloudy", "member_type", "remote",
                        "username", TestSshServer.USER, "port", cloud.sshPort, "work_folder", work.toString(),
                        "cloud_instance_id", id, "cloud_ssh_key_path", cloud.key.toString());
                assertThat(reg.isError()).as(reg.text()).isFalse();
                call(fleet, "setup_git_app", "app_id", FakeGitHosting.APP_ID, "private_key_path",
                        hosting.writePkcs1Key(tmp.resolve("app.pem")).toString(), "installation_id", FakeGitHosting.INSTALLATION_ID);
                assertThat(call(fleet, "provision_vcs_auth", "member_name", "cloudy", "provider", "github", "git_access", "read",
                        "repos", List.of("acme/app", "acme/lib")).isError()).isFalse();
                GitProbe git = new GitProbe(cloud.memberHome);
                String first = git.password(work, "github.com").orElseThrow();

                assertThat(call(fleet, "cloud_control", "member_name", "cloudy", "action", "stop").isError()).isFalse();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> cloud.ec2.instance(id).state() == FakeEc2.State.STOPPED);
                ToolResult woke = call(fleet, "execute_command", "member_name", "cloudy", "command", "echo awake");
                assertThat(woke.text()).contains("awake");
                assertThat(hosting.mints).hasSize(2);
                assertThat(hosting.mints.get(1).repositories()).containsExactly("app", "lib");
                assertThat(git.password(work, "github.com")).isPresent().isNotEqualTo(java.util.Optional.of(first));
                assertThat(hosting.refusals).isEmpty();
                assertThat(Files.exists(cloud.memberHome.resolve(".fleet-git/hosts/github.com"))).isTrue();
            }
        }
    }
}
