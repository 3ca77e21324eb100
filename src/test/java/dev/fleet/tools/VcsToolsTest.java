package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeGitHosting;
import dev.fleet.testing.GitProbe;
import dev.fleet.testing.SecretWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git credentials on a local member, against a local server playing GitHub, Bitbucket and Azure
 * DevOps. The member's git is the real git with the member's HOME, so what these tests see is what
 * git on the member would do.
 */
class VcsToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    FakeGitHosting hosting;
    FleetHarness fleet;
    Path work;
    GitProbe git;
    final List<ToolResult> results = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        hosting = new FakeGitHosting();
        fleet = new FleetHarness(tmp, hosting.env());
        work = tmp.resolve("work");
        fleet.registerLocal("dev", work);
        git = new GitProbe(fleet.home.home());
    }

    @AfterEach
    void tearDown() {
        fleet.close();
        hosting.close();
    }

    private ToolResult call(String tool, Object... kv) {
        ToolResult r = fleet.call(tool, kv);
        results.add(r);
        return r;
    }

    private void setupApp() throws Exception {
        ToolResult r = call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                "private_key_path", hosting.writePkcs1Key(tmp.resolve("keys/app.pem")).toString(),
                "installation_id", FakeGitHosting.INSTALLATION_ID);
        assertThat(r.isError()).as(r.text()).isFalse();
    }

    private ToolResult provisionApp(String access, List<String> repos) {
        return call("provision_vcs_auth", "member_name", "dev", "provider", "github", "git_access", access, "repos", repos);
    }

    private String lastToken() {
        // The fake's tokens are numbered; the newest one is what the member should hold.
        return "ghs_" + "fleetTestToken".repeat(2) + hosting.mints.size();
    }

    @Test
    void setupGitAppChecksTheAppWithASignedJwtThenStoresKeyAndSettings() throws Exception {
        Path data = fleet.home.dataDir();
        Files.writeString(data.resolve("git-config.json"), "{\"version\":\"1.0\",\"bitbucket\":{\"kept\":true}}");
        ToolResult r = call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                "private_key_path", hosting.writePkcs1Key(tmp.resolve("keys/app.pem")).toString(),
                "installation_id", FakeGitHosting.INSTALLATION_ID);

        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).isEqualTo("✅ GitHub App configured successfully\n"
                + "  App: Fleet Test App (ID: " + FakeGitHosting.APP_ID + ")\n"
                + "  Org: acme\n"
                + "  Installation: " + FakeGitHosting.INSTALLATION_ID + "\n"
                + "  Private key stored: " + data.resolve("github-app.pem"));
        assertThat(hosting.refusals).isEmpty();
        JsonNode config = JSON.readTree(data.resolve("git-config.json").toFile());
        assertThat(config.get("bitbucket").get("kept").asBoolean()).isTrue();
        assertThat(config.get("github").get("appId").asText()).isEqualTo(FakeGitHosting.APP_ID);
        assertThat(config.get("github").get("installationId").asLong()).isEqualTo(FakeGitHosting.INSTALLATION_ID);
        assertThat(config.get("github").get("privateKeyPath").asText()).isEqualTo(data.resolve("github-app.pem").toString());
        assertThat(Files.readString(data.resolve("github-app.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----").endsWith("-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("github-app.pem")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("git-config.json")))).isEqualTo("rw-------");
    }

    @Test
    void setupGitAppSaysWhenGitHubNamesNoAppOrAccount() throws Exception {
        hosting.answerNext("/app", 200, "{\"id\":" + FakeGitHosting.APP_ID + ",\"slug\":\"fleet-test-app\"}", Map.of());
        hosting.answerNext("/app/installations/" + FakeGitHosting.INSTALLATION_ID, 200,
                "{\"id\":" + FakeGitHosting.INSTALLATION_ID + ",\"account\":{\"login\":null}}", Map.of());
        ToolResult r = call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                "private_key_path", hosting.writePkcs1Key(tmp.resolve("keys/app.pem")).toString(),
                "installation_id", FakeGitHosting.INSTALLATION_ID);

        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).startsWith("✅ GitHub App configured successfully\n"
                + "  App: (GitHub returned no name) (ID: " + FakeGitHosting.APP_ID + ")\n"
                + "  Org: (GitHub returned no account)\n").doesNotContain("null");
    }

    @Test
    void setupGitAppTakesPkcs8KeysAndRefusesWhatGitHubWouldNot() throws Exception {
        ToolResult pkcs8 = call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                "private_key_path", hosting.writePkcs8Key(tmp.resolve("keys/app8.pem")).toString(),
                "installation_id", FakeGitHosting.INSTALLATION_ID);
        assertThat(pkcs8.isError()).as(pkcs8.text()).isFalse();
        assertThat(hosting.refusals).isEmpty();

        Path data = fleet.home.dataDir();
        Files.delete(data.resolve("git-config.json"));
        assertThat(call("setup_git_app", "app_id", "1", "private_key_path", tmp.resolve("nope.pem").toString(),
                "installation_id", 1).text()).isEqualTo("❌ Private key file not found: " + tmp.resolve("nope.pem"));
        Files.writeString(tmp.resolve("not.pem"), "hello");
        assertThat(call("setup_git_app", "app_id", "1", "private_key_path", tmp.resolve("not.pem").toString(),
                "installation_id", 1).text()).isEqualTo("❌ Invalid private key: file does not start with -----BEGIN");

        // Another App's key: GitHub cannot verify the JWT.
        FakeGitHosting other = new FakeGitHosting();
        Path foreign = other.writePkcs1Key(tmp.resolve("keys/other.pem"));
        other.close();
        ToolResult wrongKey = call("setup_git_app", "app_id", FakeGitHosting.APP_ID, "private_key_path", foreign.toString(),
                "installation_id", FakeGitHosting.INSTALLATION_ID);
        assertThat(wrongKey.isError()).isTrue();
        assertThat(wrongKey.text()).isEqualTo("❌ GitHub App verification failed: GET /app failed (401): A JSON web token could not be decoded");
        assertThat(hosting.refusals).containsExactly("bad signature");

        ToolResult wrongInstallation = call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                "private_key_path", tmp.resolve("keys/app8.pem").toString(), "installation_id", 5);
        assertThat(wrongInstallation.text()).isEqualTo("❌ GitHub App verification failed: Installation 5 not found (404): Not Found");
        assertThat(data.resolve("git-config.json")).doesNotExist();

        assertThat(call("setup_git_app", "app_id", "my-app", "private_key_path", "/k.pem", "installation_id", 1).text())
                .isEqualTo("Invalid input: app_id must be the App's numeric id (digits only), got 'my-app'");
    }

    @Test
    void eachAccessLevelAsksGitHubForItsPermissionsOnTheNamedRepositories() throws Exception {
        setupApp();
        Map<String, Map<String, String>> expected = Map.of(
                "read", Map.of("contents", "read", "metadata", "read"),
                "push", Map.of("contents", "write", "metadata", "read"),
                "admin", Map.of("contents", "write", "administration", "write", "actions", "write", "metadata", "read"),
                "issues", Map.of("issues", "write", "pull_requests", "write", "metadata", "read"),
                "full", Map.of("contents", "write", "administration", "write", "issues", "write", "pull_requests", "write",
                        "actions", "write", "metadata", "read"));
        for (Map.Entry<String, Map<String, String>> level : expected.entrySet()) {
            ToolResult r = provisionApp(level.getKey(), List.of("acme/app", "acme/lib"));
            assertThat(r.isError()).as(r.text()).isFalse();
            FakeGitHosting.MintRequest mint = hosting.mints.get(hosting.mints.size() - 1);
            assertThat(mint.permissions()).as(level.getKey()).isEqualTo(level.getValue());
            assertThat(mint.repositories()).containsExactly("app", "lib");
            assertThat(mint.iss()).isEqualTo(FakeGitHosting.APP_ID);
            assertThat(mint.exp() - mint.iat()).isEqualTo(660);
            assertThat(r.text()).startsWith("✅ GitHub App credentials deployed (expires ").contains(" on \"dev\"\n",
                    "  mode: github-app\n", "  access: " + level.getKey() + "\n", "  repos: acme/app, acme/lib\n",
                    "  token: ghs_****\n");
            String shown = r.text().lines().filter(l -> l.startsWith("  permissions: ")).findFirst().orElseThrow();
            assertThat(JSON.readValue(shown.substring("  permissions: ".length()), Map.class)).isEqualTo(level.getValue());
            assertThat(git.password(work, "github.com")).contains(lastToken());
        }
        assertThat(hosting.refusals).isEmpty();

        // Every repository of the installation: no repository list at all.
        assertThat(provisionApp("read", List.of("*")).isError()).isFalse();
        assertThat(hosting.mints.get(hosting.mints.size() - 1).repositories()).isNull();
        assertThat(git.username(work, "github.com")).contains("x-access-token");
    }

    @Test
    void gitAnswersOnlyForTheProvidersHostsAndSeveralProvidersLiveSideBySide() throws Exception {
        setupApp();
        hosting.bitbucketTokens.put("me@example.com", "ATBBbitbucketToken123");
        hosting.azurePats.put("acme", "azurePatValue0123456789");
        assertThat(git.password(work, "github.com")).isEmpty();

        assertThat(provisionApp("push", List.of("acme/app")).isError()).isFalse();
        ToolResult bb = call("provision_vcs_auth", "member_name", "dev", "provider", "bitbucket", "email", "me@example.com",
                "api_token", "ATBBbitbucketToken123", "workspace", "acme-ws");
        assertThat(bb.text()).startsWith("✅ Bitbucket credentials deployed on \"dev\"\n  workspace: acme-ws\n  email: me@example.com\n")
                .contains("Verification: Bitbucket API accepted the token (user BB User)",
                        "Verification: git on the member answers for bitbucket.org with the new credential");
        ToolResult az = call("provision_vcs_auth", "member_name", "dev", "provider", "azure-devops",
                "org_url", "https://dev.azure.com/acme", "pat", "azurePatValue0123456789");
        assertThat(az.text()).startsWith("✅ Azure DevOps credentials deployed on \"dev\"\n  org: acme\n")
                .contains("Azure DevOps accepted the PAT (user AZ User)");

        assertThat(git.password(work, "github.com")).contains(lastToken());
        assertThat(git.password(work, "bitbucket.org")).contains("ATBBbitbucketToken123");
        assertThat(git.username(work, "bitbucket.org")).contains("x-bitbucket-api-token-auth");
        assertThat(git.password(work, "dev.azure.com")).contains("azurePatValue0123456789");
        assertThat(git.password(work, "gitlab.com")).isEmpty();
        assertThat(git.password(tmp, "github.com")).as("the helper is the user's, not the folder's").contains(lastToken());

        ToolResult detail = call("member_detail", "member_name", "dev");
        assertThat(detail.text()).contains("git creds: GitHub github-app (push: acme/app) ghs_**** for github.com, expires ",
                "git creds: Bitbucket api-token (acme-ws) ATBB**** for bitbucket.org, no expiry known",
                "git creds: Azure DevOps pat (acme) azur**** for dev.azure.com");
        JsonNode json = JSON.readTree(call("member_detail", "member_name", "dev", "format", "json").text());
        assertThat(json.get("vcs").get(0).get("provider").asText()).isEqualTo("github");
        assertThat(json.get("vcs").get(0).get("expired").asBoolean()).isFalse();

        ToolResult revoked = call("revoke_vcs_auth", "member_name", "dev", "provider", "bitbucket");
        assertThat(revoked.text()).isEqualTo("✅ Bitbucket credentials revoked on \"dev\"\n"
                + "  Fleet's credential helper stays for the member's other hosts.");
        assertThat(git.password(work, "bitbucket.org")).isEmpty();
        assertThat(git.password(work, "github.com")).contains(lastToken());
        assertThat(call("member_detail", "member_name", "dev").text()).doesNotContain("Bitbucket api-token");
    }

    @Test
    void revokeRemovesTheHelperAndPutsBackTheEarlierOne() throws Exception {
        Path home = fleet.home.home();
        git.git(home, null, "config", "--global", "credential.helper", "store");
        git.git(home, null, "config", "--global", "--add", "credential.helper", "cache --timeout=60");
        git.git(home, null, "config", "--global", "user.name", "Dev Person");
        hosting.validPats.add("ghp_patTokenValue12345");
        call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat", "token", "ghp_patTokenValue12345");
        assertThat(git.helpers()).containsExactly("", "!~/.fleet-git/helper");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".fleet-git/hosts/github.com"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".fleet-git")))).isEqualTo("rwx------");

        ToolResult r = call("revoke_vcs_auth", "member_name", "dev", "provider", "github");
        assertThat(r.text()).isEqualTo("✅ GitHub credentials revoked on \"dev\"\n"
                + "  Fleet's credential helper is gone; the member's earlier credential.helper (if any) is back.");
        assertThat(git.helpers()).containsExactly("store", "cache --timeout=60");
        assertThat(git.git(home, null, "config", "--global", "user.name").stdout().strip()).isEqualTo("Dev Person");
        assertThat(home.resolve(".fleet-git")).doesNotExist();
        assertThat(git.password(work, "github.com")).isEmpty();

        // Revoking again changes nothing.
        assertThat(call("revoke_vcs_auth", "member_name", "dev", "provider", "github").isError()).isFalse();
        assertThat(git.helpers()).containsExactly("store", "cache --timeout=60");
    }

    @Test
    void aPatIsCheckedWithTheApiAndARejectedOneIsNotDeployed() throws Exception {
        hosting.validPats.add("ghp_goodPatToken12345");
        ToolResult bad = call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat",
                "token", "ghp_wrongPatToken1234");
        assertThat(bad.isError()).isTrue();
        assertThat(bad.text()).isEqualTo("❌ GitHub rejected the token (401): Bad credentials; nothing was deployed");
        assertThat(fleet.home.home().resolve(".fleet-git")).doesNotExist();

        ToolResult good = call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat",
                "token", "ghp_goodPatToken12345");
        assertThat(good.text()).startsWith("✅ GitHub PAT credentials deployed on \"dev\"\n  mode: pat\n  token: ghp_****\n")
                .contains("GitHub API accepted the token (user octo-pat)", "your own account");
        assertThat(git.password(work, "github.com")).contains("ghp_goodPatToken12345");

        hosting.bitbucketTokens.put("me@example.com", "right");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "bitbucket", "email", "me@example.com",
                "api_token", "wrong-token-value", "workspace", "ws").text())
                .isEqualTo("❌ Bitbucket rejected the email and API token (401): Invalid credentials; nothing was deployed");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "azure-devops",
                "org_url", "https://dev.azure.com/nobody", "token", "somePat0123456789").text())
                .startsWith("❌ Azure DevOps organization not found at ");
    }

    @Test
    void githubApiFailuresAreClearAndDeployNothing() throws Exception {
        setupApp();
        hosting.answerNext("/access_tokens", 401, "{\"message\":\"'Expiration time' claim ('exp') is too far in the future\"}", Map.of());
        assertThat(provisionApp("push", List.of("acme/app")).text())
                .isEqualTo("❌ Token mint failed (401): 'Expiration time' claim ('exp') is too far in the future");
        hosting.answerNext("/access_tokens", 404, "{\"message\":\"Not Found\"}", Map.of());
        assertThat(provisionApp("push", List.of("acme/app")).text()).isEqualTo("❌ Token mint failed (404): Not Found");
        assertThat(provisionApp("push", List.of("acme/secret")).text()).isEqualTo("❌ Token mint failed (422): There is at least one "
                + "repository that does not exist or is not accessible to the parent installation.");
        hosting.rateLimitNext("/access_tokens");
        assertThat(provisionApp("push", List.of("acme/app")).text())
                .matches("❌ Token mint failed \\(403\\): rate limit reached \\(403\\); try again after \\d\\d:\\d\\d:\\d\\d UTC");
        assertThat(fleet.home.home().resolve(".fleet-git")).doesNotExist();
        assertThat(call("member_detail", "member_name", "dev").text()).doesNotContain("git creds");
    }

    @Test
    void whatIsMissingIsSaidBeforeAnythingIsContacted() throws Exception {
        assertThat(provisionApp("push", List.of("acme/app")).text()).isEqualTo("❌ GitHub App not configured. Run setup_git_app first.");
        setupApp();
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "github", "repos", List.of("acme/app")).text())
                .startsWith("❌ No git_access level specified");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "github", "git_access", "read").text())
                .startsWith("❌ No repos specified");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat").text())
                .startsWith("Invalid input: token is required with github_mode=pat");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "bitbucket", "email", "a@b.c").text())
                .startsWith("Invalid input: api_token is required with provider=bitbucket");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "azure-devops", "pat", "x0123456789abc").text())
                .startsWith("Invalid input: org_url is required with provider=azure-devops");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat",
                "token", "ghp_two\nlines").text()).isEqualTo("Invalid input: token " + VcsParams.SECRET_RULE);
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "gitlab").text())
                .startsWith("Invalid input: provider must be one of github, bitbucket, azure-devops");
        assertThat(call("provision_vcs_auth", "member_name", "dev", "provider", "github", "git_access", "read",
                "repos", List.of("not a repo")).text()).startsWith("Invalid input: repos item 'not a repo' must be owner/name");
        assertThat(hosting.mints).isEmpty();

        // The member's registered access and repositories are the default.
        fleet.call("update_member", "member_name", "dev", "git_access", "issues", "git_repos", List.of("acme/docs"));
        ToolResult r = call("provision_vcs_auth", "member_name", "dev", "provider", "github");
        assertThat(r.text()).contains("access: issues", "repos: acme/docs");
        assertThat(hosting.mints.get(0).repositories()).containsExactly("docs");
    }

    @Test
    void aTokenWithShellCharactersArrivesByteForByte() throws Exception {
        setupApp();
        String nasty = "ghs_'$(touch PWNED)\"`id`;|&<>*?\\x$HOME!#{}~";
        hosting.mintTokens(() -> nasty);
        ToolResult r = provisionApp("read", List.of("acme/app"));
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).contains("git on the member answers for github.com with the new credential");
        assertThat(git.password(work, "github.com")).contains(nasty);
        String pat = "p'a\"t$(x)`y`\\;&|";
        hosting.validPats.add(pat + "0123456789");
        call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat", "token", pat + "0123456789");
        assertThat(git.password(work, "github.com")).contains(pat + "0123456789");
        try (var files = Files.walk(tmp)) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("PWNED")).toList()).isEmpty();
        }
    }

    @Test
    void secretsNeverReachResultsLogsOrCommandLines() throws Exception {
        setupApp();
        hosting.validPats.add("ghp_secretPatValue98765");
        hosting.bitbucketTokens.put("me@example.com", "ATBBsecretBitbucket555");
        hosting.azurePats.put("acme", "azureSecretPat4444444");
        List<String> secrets = new ArrayList<>(List.of("ghp_secretPatValue98765", "ATBBsecretBitbucket555", "azureSecretPat4444444"));
        try (SecretWatch watch = new SecretWatch()) {
            provisionApp("full", List.of("acme/app"));
            secrets.add(lastToken());
            call("provision_vcs_auth", "member_name", "dev", "provider", "bitbucket", "email", "me@example.com",
                    "api_token", "ATBBsecretBitbucket555", "workspace", "ws");
            call("provision_vcs_auth", "member_name", "dev", "provider", "azure-devops", "org_url", "https://dev.azure.com/acme",
                    "pat", "azureSecretPat4444444");
            hosting.tokenLife(Duration.ofMinutes(-1));
            provisionApp("read", List.of("acme/app"));
            hosting.tokenLife(Duration.ofHours(1));
            call("execute_command", "member_name", "dev", "command", "echo renewed");
            secrets.add(lastToken());
            // Credentials in use while the watch samples every process.
            for (int i = 0; i < 3; i++) {
                assertThat(git.password(work, "dev.azure.com")).contains("azureSecretPat4444444");
            }
            call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat", "token", "ghp_secretPatValue98765");
            call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat", "token", "ghp_wrong0000000000");
            call("member_detail", "member_name", "dev");
            call("member_detail", "member_name", "dev", "format", "json");
            call("list_members");
            call("list_members", "format", "json");
            call("fleet_status", "format", "json");
            call("remove_member", "member_name", "dev");
            watch.close();
            assertThat(watch.commandLines()).as("the watch saw fleet's own commands").anyMatch(c -> c.contains(".fleet-git"));
            for (String s : secrets) {
                assertThat(watch.commandLines()).noneMatch(c -> c.contains(s));
                assertThat(watch.logs()).doesNotContain(s);
                for (ToolResult r : results) {
                    assertThat(r.text()).doesNotContain(s);
                    assertThat(JSON.writeValueAsString(r.structured())).doesNotContain(s);
                }
                try (var files = Files.walk(fleet.home.dataDir())) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(s);
                    }
                }
            }
            assertThat(watch.logs()).contains("GitHub App token minted again because it was about to expire");
        }
    }

    @Test
    void anExpiredAppTokenIsMintedAgainBeforeACommandOrAPrompt() throws Exception {
        setupApp();
        fleet.home.installFakeAgentCli("2.0.0");
        hosting.tokenLife(Duration.ofMinutes(-5));
        provisionApp("push", List.of("acme/app"));
        String expired = lastToken();
        assertThat(call("member_detail", "member_name", "dev").text()).contains("EXPIRED at ");
        assertThat(JSON.readTree(call("member_detail", "member_name", "dev", "format", "json").text())
                .get("vcs").get(0).get("expired").asBoolean()).isTrue();

        hosting.tokenLife(Duration.ofHours(1));
        assertThat(call("execute_command", "member_name", "dev", "command", "echo hi").text()).contains("hi");
        assertThat(hosting.mints).hasSize(2);
        assertThat(git.password(work, "github.com")).contains(lastToken()).isNotEqualTo(java.util.Optional.of(expired));
        assertThat(call("member_detail", "member_name", "dev").text()).contains("(in 59m)").doesNotContain("EXPIRED");
        assertThat(hosting.mints.get(1).permissions()).containsEntry("contents", "write");
        assertThat(hosting.mints.get(1).repositories()).containsExactly("app");

        // Fresh: the next command mints nothing.
        call("execute_command", "member_name", "dev", "command", "echo again");
        assertThat(hosting.mints).hasSize(2);

        hosting.tokenLife(Duration.ofMinutes(10));
        provisionApp("push", List.of("acme/app"));
        hosting.tokenLife(Duration.ofHours(1));
        ToolResult prompt = call("execute_prompt", "member_name", "dev", "prompt", "hello");
        assertThat(prompt.isError()).as(prompt.text()).isFalse();
        assertThat(hosting.mints).as("a token with ten minutes left is renewed before a prompt").hasSize(4);
    }

    @Test
    void removeMemberTakesTheCredentialsBack() throws Exception {
        Path home = fleet.home.home();
        git.git(home, null, "config", "--global", "credential.helper", "store");
        setupApp();
        provisionApp("read", List.of("acme/app"));
        assertThat(git.password(work, "github.com")).isPresent();
        ToolResult r = call("remove_member", "member_name", "dev");
        assertThat(r.isError()).as(r.text()).isFalse();
        assertThat(r.text()).doesNotContain("Warning");
        assertThat(home.resolve(".fleet-git")).doesNotExist();
        assertThat(git.helpers()).containsExactly("store");
    }

    @Test
    void twoMembersOnOneAccountShareTheHelperAndRevokingOneKeepsItForTheOther() throws Exception {
        setupApp();
        fleet.registerLocal("second", tmp.resolve("second"));
        provisionApp("read", List.of("acme/app"));
        ToolResult r = call("provision_vcs_auth", "member_name", "second", "provider", "github", "git_access", "read",
                "repos", List.of("acme/lib"));
        assertThat(r.text()).contains("member dev uses the same account on that machine");
        ToolResult revoked = call("revoke_vcs_auth", "member_name", "dev", "provider", "github");
        assertThat(revoked.text()).contains("stays on that machine: member second uses the same account there");
        assertThat(git.password(tmp.resolve("second"), "github.com")).contains(lastToken());
        call("revoke_vcs_auth", "member_name", "second", "provider", "github");
        assertThat(git.password(tmp.resolve("second"), "github.com")).isEmpty();
    }
}
