package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.security.ServiceMessage;
import dev.fleet.testing.FakeGitHosting;
import dev.fleet.testing.SecretWatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosting services that quote the request's Authorization header back in their errors. Whatever
 * the service says, no form of the credential fleet sent reaches a tool's text or its structured
 * content: not the secret as given, not the base64 of {@code user:secret} that HTTP Basic sends,
 * not the GitHub App JWT fleet signed (which can mint installation tokens for ten minutes).
 */
class ServiceQuotedSecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "me@example.com";

    @TempDir
    Path tmp;
    FakeGitHosting hosting;
    FleetHarness fleet;

    @BeforeEach
    void setUp() throws Exception {
        hosting = new FakeGitHosting();
        fleet = new FleetHarness(tmp, hosting.env());
        fleet.registerLocal("dev", tmp.resolve("work"));
    }

    @AfterEach
    void tearDown() {
        fleet.close();
        hosting.close();
    }

    @Test
    void bitbucketRejectingAndFailingWhileQuotingTheBasicHeader() throws Exception {
        String token = "BBREJ-CANARY-7272";
        hosting.quoteAuthorizationNext("/bitbucket/2.0/user", 401);
        ToolResult rejected = provisionBitbucket(token);
        assertThat(rejected.isError()).isTrue();
        assertThat(rejected.text()).startsWith("❌ Bitbucket rejected the email and API token (401): Bad credentials: you sent ")
                .endsWith("; nothing was deployed");
        assertNoFormOf(rejected, EMAIL, token);

        hosting.quoteAuthorizationNext("/bitbucket/2.0/user", 500);
        ToolResult unconfirmed = provisionBitbucket(token);
        assertThat(unconfirmed.text()).as("deployed anyway, with the service's words").contains(
                "⚠️ Bitbucket API could not confirm the token (500): Bad credentials");
        assertNoFormOf(unconfirmed, EMAIL, token);
        assertThat(hosting.quotedAuthorizations).hasSize(2);
    }

    @Test
    void gitHubRejectingAndFailingAPatWhileQuotingTheBearerHeader() throws Exception {
        String pat = "PATCANARY-github-4141";
        hosting.quoteAuthorizationNext("/github/user", 401);
        ToolResult rejected = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat",
                "token", pat);
        assertThat(rejected.text()).startsWith("❌ GitHub rejected the token (401): Bad credentials");
        assertNoFormOf(rejected, "x-access-token", pat);

        hosting.quoteAuthorizationNext("/github/user", 502);
        ToolResult unconfirmed = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat",
                "token", pat);
        assertThat(unconfirmed.text()).contains("⚠️ GitHub API could not confirm the token (502): Bad credentials");
        assertNoFormOf(unconfirmed, "x-access-token", pat);
    }

    @Test
    void azureDevOpsFailingWhileQuotingTheBasicHeader() throws Exception {
        String pat = "AZCANARYpat-98989898";
        hosting.azurePats.put("acme", pat);
        hosting.quoteAuthorizationNext("/_apis/connectionData", 500);
        ToolResult unconfirmed = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "azure-devops",
                "org_url", "https://dev.azure.com/acme", "pat", pat);
        assertThat(unconfirmed.text()).contains("⚠️ Azure DevOps could not confirm the PAT (500): Bad credentials");
        assertNoFormOf(unconfirmed, "", pat);
    }

    @Test
    void setupGitAppNeverShowsTheJwtItSigned() throws Exception {
        Path key = hosting.writePkcs1Key(tmp.resolve("keys/app.pem"));
        hosting.quoteAuthorizationNext("/github/app", 401);
        ToolResult app = setupApp(key);
        assertThat(app.text()).startsWith("❌ GitHub App verification failed: GET /app failed (401): Bad credentials");

        hosting.quoteAuthorizationNext("/app/installations/" + FakeGitHosting.INSTALLATION_ID, 500);
        ToolResult installation = setupApp(key);
        assertThat(installation.text()).startsWith("❌ GitHub App verification failed: Installation "
                + FakeGitHosting.INSTALLATION_ID + " not found (500): Bad credentials");

        assertThat(hosting.quotedAuthorizations).hasSize(2).allMatch(a -> a.startsWith("Bearer eyJ"));
        for (ToolResult r : List.of(app, installation)) {
            assertNoJwt(r);
        }
    }

    @Test
    void aFailedMintNeitherShowsNorLogsTheJwt() throws Exception {
        assertThat(setupApp(hosting.writePkcs1Key(tmp.resolve("keys/app.pem"))).isError()).isFalse();
        hosting.quoteAuthorizationNext("/access_tokens", 401);
        ToolResult minted = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "github", "git_access", "read",
                "repos", List.of("acme/app"));
        assertThat(minted.text()).startsWith("❌ Token mint failed (401): Bad credentials");
        assertNoJwt(minted);

        // A renewal before a command fails the same way; its failure goes to the log.
        hosting.tokenLife(Duration.ofMinutes(-1));
        fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "github", "git_access", "read", "repos", List.of("acme/app"));
        try (SecretWatch watch = new SecretWatch()) {
            hosting.quoteAuthorizationNext("/access_tokens", 401);
            assertThat(fleet.call("execute_command", "member_name", "dev", "command", "echo hi").text()).contains("hi");
            watch.close();
            assertThat(watch.logs()).contains("GitHub App token not renewed: Token mint failed (401): Bad credentials");
            assertThat(hosting.quotedAuthorizations).hasSize(2);
            for (String sent : hosting.quotedAuthorizations) {
                assertThat(watch.logs()).doesNotContain(sent.substring("Bearer ".length()));
            }
            assertThat(watch.logs()).doesNotContain("eyJ");
        }
    }

    /**
     * A service, or an endpoint standing in for it, that accepts the credential and gives the
     * request's Authorization header back as the user's or the App's name, over several lines.
     * The name is shown as one bounded line, with no form of the credential in it.
     */
    @Test
    void aNameEchoingTheHeaderInASuccessfulAnswerShowsNoFormOfTheCredential() throws Exception {
        String shortEmail = "a@b.io";
        String token = "BBOK-CANARY-5151";
        hosting.answerNext("/bitbucket/2.0/user", 200, echoingName("display_name"), Map.of());
        ToolResult bitbucket = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "bitbucket", "email", shortEmail,
                "api_token", token, "workspace", "ws");
        assertOneBoundedNameLine(bitbucket, "Bitbucket API accepted the token (user ");
        assertNoFormOf(bitbucket, shortEmail, token);

        String azurePat = "AZOKpat-CANARY-31313131";
        hosting.azurePats.put("acme", azurePat);
        hosting.answerNext("/_apis/connectionData", 200, "{\"authenticatedUser\":" + echoingName("providerDisplayName") + "}",
                Map.of());
        ToolResult azure = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "azure-devops",
                "org_url", "https://dev.azure.com/acme", "pat", azurePat);
        assertOneBoundedNameLine(azure, "Azure DevOps accepted the PAT (user ");
        assertNoFormOf(azure, "", azurePat);

        String pat = "PATOK-github-CANARY-6262";
        hosting.answerNext("/github/user", 200, echoingName("login"), Map.of());
        ToolResult github = fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "github", "github_mode", "pat",
                "token", pat);
        assertOneBoundedNameLine(github, "GitHub API accepted the token (user ");
        assertNoFormOf(github, "x-access-token", pat);
        assertThat(hosting.quotedAuthorizations).hasSize(3);
    }

    @Test
    void setupGitAppShowsNoJwtAGitHubStandInGaveAsTheAppsOrAccountsName() throws Exception {
        Path key = hosting.writePkcs1Key(tmp.resolve("keys/app.pem"));
        hosting.answerNext("/github/app", 200, echoingName("name"), Map.of());
        hosting.answerNext("/app/installations/" + FakeGitHosting.INSTALLATION_ID, 200,
                "{\"account\":" + echoingName("login") + "}", Map.of());
        ToolResult app = setupApp(key);
        assertThat(app.isError()).as(app.text()).isFalse();
        assertThat(hosting.quotedAuthorizations).hasSize(2).allMatch(a -> a.startsWith("Bearer eyJ"));
        assertThat(app.text().lines().count()).as("the result keeps its five lines: " + app.text()).isEqualTo(5);
        assertThat(app.text()).contains("  App: Echo Authorization: [removed]", "  Org: Echo Authorization: [removed]");
        for (String label : List.of("  App: ", "  Org: ")) {
            String line = app.text().lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow();
            assertThat(line).as("one bounded line").hasSizeLessThanOrEqualTo(label.length() + ServiceMessage.MAX_CHARS + 40);
        }
        assertNoJwt(app);
    }

    /** A name over three lines, quoting the request's Authorization header whole and its credential bare, then too long. */
    private static String echoingName(String field) {
        return "{\"" + field + "\":\"Echo\\nAuthorization: " + FakeGitHosting.REQUEST_AUTHORIZATION + "\\n"
                + FakeGitHosting.REQUEST_CREDENTIAL + "; " + "x".repeat(400) + "\"}";
    }

    /** The check's line names the user once, on that line only, within the bound for what a service says. */
    private static void assertOneBoundedNameLine(ToolResult r, String start) {
        assertThat(r.isError()).as(r.text()).isFalse();
        String line = r.text().lines().filter(l -> l.contains(start)).findFirst().orElseThrow(() -> new AssertionError(r.text()));
        String name = line.substring(line.indexOf(start) + start.length());
        assertThat(name).startsWith("Echo Authorization: [removed]").endsWith("…)");
        assertThat(name.length()).isLessThanOrEqualTo(ServiceMessage.MAX_CHARS + 2);
        assertThat(r.text()).doesNotContain("x".repeat(ServiceMessage.MAX_CHARS + 1));
    }

    private ToolResult provisionBitbucket(String token) {
        return fleet.call("provision_vcs_auth", "member_name", "dev", "provider", "bitbucket", "email", EMAIL,
                "api_token", token, "workspace", "ws");
    }

    private ToolResult setupApp(Path key) {
        return fleet.call("setup_git_app", "app_id", FakeGitHosting.APP_ID, "private_key_path", key.toString(),
                "installation_id", FakeGitHosting.INSTALLATION_ID);
    }

    /** The secret as given, and each way it travelled or may be echoed: base64 of itself and of user:secret, padded or not. */
    private static void assertNoFormOf(ToolResult r, String user, String secret) throws Exception {
        List<String> forms = new ArrayList<>(List.of(secret));
        for (String plain : List.of(secret, user + ":" + secret)) {
            String encoded = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
            forms.add(encoded);
            forms.add(encoded.replace("=", ""));
        }
        String structured = JSON.writeValueAsString(r.structured());
        for (String form : forms) {
            assertThat(r.text()).as("result text").doesNotContain(form);
            assertThat(structured).as("structured content").doesNotContain(form);
        }
    }

    private void assertNoJwt(ToolResult r) throws Exception {
        String structured = JSON.writeValueAsString(r.structured());
        for (String sent : hosting.quotedAuthorizations) {
            String jwt = sent.substring("Bearer ".length());
            for (String part : jwt.split("\\.")) {
                assertThat(r.text()).doesNotContain(part);
                assertThat(structured).doesNotContain(part);
            }
        }
        assertThat(r.text()).doesNotContain("eyJ");
    }
}
