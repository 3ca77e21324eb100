package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeGitHosting;
import dev.fleet.testing.SecretWatch;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leak scan: a password member, an agent API key and a VCS token go through the tools a user
 * would call with them; then every tool result, every line fleet logged, every process command
 * line seen meanwhile, and every file fleet wrote on this machine (the registry included) are
 * searched for the three secrets in plain text. Zero hits.
 */
class SecretLeakScanTest {
    static final String API_KEY = "sk-ant-api03-leakscanKEY0123456789abcdef";
    static final String PAT = "ghp_leakscanTOKEN0123456789abcdefABCDEF";

    @TempDir
    Path tmp;

    @Test
    void noSecretShowsInResultsLogsCommandLinesOrFilesFleetWrote() throws Exception {
        List<String> secrets = List.of(TestSshServer.PASSWORD, API_KEY, PAT);
        List<String> seen = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        Path memberHome = tmp.resolve("member-home");
        Path received = tmp.resolve("received");
        try (FakeGitHosting hosting = new FakeGitHosting(); SecretWatch watch = new SecretWatch();
             FleetHarness fleet = new FleetHarness(tmp.resolve("pm"), hosting.env())) {
            hosting.validPats.add(PAT);
            TestHome.installFakeAgentCli(memberHome, "2.1.0");
            try (TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start()) {
                Path work = Files.createDirectories(memberHome.resolve("work"));
                Files.writeString(work.resolve("notes.txt"), "results\n");
                Path upload = Files.writeString(tmp.resolve("upload.txt"), "data\n");
                List<ToolResult> results = new ArrayList<>();
                results.add(fleet.call("register_member", "friendly_name", "pw", "member_type", "remote", "host", "127.0.0.1",
                        "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                        "password", TestSshServer.PASSWORD, "work_folder", work.toString()));
                assertThat(results.get(0).isError()).as(results.get(0).text()).isFalse();
                results.add(fleet.call("list_members"));
                results.add(fleet.call("member_detail", "member_name", "pw"));
                results.add(fleet.call("fleet_status"));
                results.add(fleet.call("execute_command", "member_name", "pw", "command", "echo hello; ls"));
                results.add(fleet.call("execute_command", "member_name", "pw", "command", "exit 3"));
                results.add(fleet.call("send_files", "member_name", "pw", "local_paths", List.of(upload.toString())));
                results.add(fleet.call("receive_files", "member_name", "pw", "remote_paths", List.of("notes.txt"),
                        "local_dest", received.toString()));
                results.add(fleet.call("provision_auth", "member_name", "pw", "api_key", API_KEY));
                // A key that is not one: the error must not quote it.
                results.add(fleet.call("provision_auth", "member_name", "pw", "api_key", API_KEY + "'$(x)"));
                results.add(fleet.call("provision_vcs_auth", "member_name", "pw", "provider", "github", "github_mode", "pat",
                        "token", PAT, "git_access", "push"));
                results.add(fleet.call("provision_vcs_auth", "member_name", "nobody", "provider", "github", "github_mode", "pat",
                        "token", PAT, "git_access", "push"));
                results.add(fleet.call("update_member", "member_name", "pw", "password", TestSshServer.PASSWORD));
                results.add(fleet.call("execute_command", "member_name", "pw", "command", "echo after"));
                results.add(fleet.call("revoke_vcs_auth", "member_name", "pw", "provider", "github"));
                assertThat(results.get(4).text()).contains("hello", "notes.txt");
                // The secrets really went where they were meant to go (on the member, on stdin).
                assertThat(results.get(8).isError()).as(results.get(8).text()).isFalse();
                assertThat(results.get(9).isError()).as(results.get(9).text()).isTrue();
                assertThat(results.get(10).isError()).as(results.get(10).text()).isFalse();
                assertThat(results.get(12).isError()).as(results.get(12).text()).isFalse();
                assertThat(Files.readString(memberHome.resolve(".apra-fleet-keys"))).contains(API_KEY);
                assertThat(results.get(results.size() - 2).text()).contains("after");
                for (ToolResult r : results) {
                    seen.add(r.text());
                    seen.add(json.writeValueAsString(r.structured()));
                }
                results.add(fleet.call("remove_member", "member_name", "pw"));
                seen.add(results.get(results.size() - 1).text());
            }
            seen.add(watch.logs());
            seen.addAll(watch.commandLines());
            assertThat(watch.logs()).as("fleet logged while it worked").isNotBlank();
        }
        List<Path> written = new ArrayList<>();
        for (Path root : List.of(tmp.resolve("pm"), received)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).forEach(written::add);
            }
        }
        assertThat(written).anyMatch(p -> p.getFileName().toString().equals("registry.json") || p.toString().contains("registry"));
        for (Path f : written) {
            seen.add(f + "\n" + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        for (String secret : secrets) {
            assertThat(seen).as("places holding " + secret.substring(0, 4) + "…").noneMatch(s -> s.contains(secret));
        }
    }

    /**
     * A member can print what fleet put there (an agent's key file, the git credentials, a
     * script echoing the login password): the secrets fleet holds for that member are starred out
     * of the answer, its text and its structured data, though the call itself passed none of them.
     */
    @Test
    void secretsFleetHoldsForAMemberAreStarredOutOfWhatTheMemberPrints() throws Exception {
        Path memberHome = tmp.resolve("member-home");
        ObjectMapper json = new ObjectMapper();
        try (FakeGitHosting hosting = new FakeGitHosting(); FleetHarness fleet = new FleetHarness(tmp.resolve("pm"), hosting.env())) {
            hosting.validPats.add(PAT);
            TestHome.installFakeAgentCli(memberHome, "2.1.0");
            try (TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start()) {
                Path work = Files.createDirectories(memberHome.resolve("work"));
                Files.writeString(work.resolve("login.txt"), "the password is " + TestSshServer.PASSWORD + "\n");
                assertThat(fleet.call("register_member", "friendly_name", "pw", "member_type", "remote", "host", "127.0.0.1",
                        "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                        "password", TestSshServer.PASSWORD, "work_folder", work.toString()).isError()).isFalse();
                assertThat(fleet.call("provision_auth", "member_name", "pw", "api_key", API_KEY).isError()).isFalse();
                ToolResult vcs = fleet.call("provision_vcs_auth", "member_name", "pw", "provider", "github", "github_mode", "pat",
                        "token", PAT, "git_access", "push");
                assertThat(vcs.isError()).as(vcs.text()).isFalse();

                ToolResult printed = fleet.call("execute_command", "member_name", "pw", "command",
                        "cat login.txt; cat ~/.apra-fleet-keys; cat ~/.fleet-git/hosts/*");
                assertThat(printed.isError()).as(printed.text()).isFalse();
                String structured = json.writeValueAsString(printed.structured());
                assertThat(printed.text()).contains("the password is ********", "********");
                for (String secret : List.of(TestSshServer.PASSWORD, API_KEY, PAT)) {
                    assertThat(printed.text()).as("the text").doesNotContain(secret);
                    assertThat(structured).as("the structured data").doesNotContain(secret);
                }
                // Progress carries the newest output lines while the command runs, the line it is writing
                // included: a key that arrives in two pieces has its first piece starred as well.
                List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
                ToolCall watching = (done, total, message) -> progress.add(message);
                ToolResult streamed = fleet.fleet.tools().run("execute_command", java.util.Map.of("member_name", "pw", "command",
                        "cat login.txt; printf 'key=" + API_KEY.substring(0, 14) + "'; sleep 2; printf '" + API_KEY.substring(14)
                                + "\\n'; sleep 2"), watching);
                assertThat(streamed.isError()).as(streamed.text()).isFalse();
                assertThat(progress).as("progress sent while it ran").isNotEmpty();
                assertThat(progress).anyMatch(m -> m.contains("the password is ********"));
                for (String m : progress) {
                    assertThat(m).doesNotContain(TestSshServer.PASSWORD, API_KEY.substring(0, 14));
                }
                assertThat(streamed.text()).contains("key=********").doesNotContain(API_KEY);

                // Output past the inline limit is kept whole in a file the answer names: starred there too,
                // while the rest of it is kept as printed.
                ToolResult large = fleet.call("execute_command", "member_name", "pw", "command",
                        "cat ~/.apra-fleet-keys; head -c 200000 /dev/zero | tr '\\0' a; echo; cat login.txt ~/.apra-fleet-keys");
                assertThat(large.isError()).as(large.text()).isFalse();
                @SuppressWarnings("unchecked")
                String full = (String) ((java.util.Map<String, Object>) large.structured()).get("stdoutFullPath");
                assertThat(full).isNotNull();
                String kept = Files.readString(Path.of(full));
                assertThat(kept).contains("the password is ********", "a".repeat(200_000)).doesNotContain(TestSshServer.PASSWORD, API_KEY);

                // The member really printed them: only the answer is starred.
                assertThat(Files.readString(memberHome.resolve(".apra-fleet-keys"))).contains(API_KEY);

                // Another member's call is no place for this member's secrets: nothing is starred there.
                ToolResult local = fleet.call("register_member", "friendly_name", "here", "member_type", "local",
                        "work_folder", Files.createDirectories(tmp.resolve("here")).toString());
                assertThat(local.isError()).as(local.text()).isFalse();
                assertThat(fleet.call("execute_command", "member_name", "here", "command", "echo plain-words-only").text())
                        .contains("plain-words-only");
            }
        }
    }

    /**
     * Ordinary ways of printing a stored secret encoded: {@code base64} of the key file (wrapped at
     * 76 columns), {@code base64 -w 64} (as PEM and openssl wrap), the secret inside a longer
     * string at each byte offset, and hex as {@code xxd -p} prints it or in upper case. None of
     * them gives it back, in the answer or in progress.
     */
    @Test
    void storedSecretsPrintedAsBase64OrHexOfLargerDataOrWrappedAreStarred() throws Exception {
        Path memberHome = tmp.resolve("member-home");
        try (FleetHarness fleet = new FleetHarness(tmp.resolve("pm"), java.util.Map.of())) {
            TestHome.installFakeAgentCli(memberHome, "2.1.0");
            try (TestSshServer sshd = new TestSshServer(fleet.home, tmp.resolve("sshd"), memberHome).start()) {
                Path work = Files.createDirectories(memberHome.resolve("work"));
                assertThat(fleet.call("register_member", "friendly_name", "pw", "member_type", "remote", "host", "127.0.0.1",
                        "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                        "password", TestSshServer.PASSWORD, "work_folder", work.toString()).isError()).isFalse();
                assertThat(fleet.call("provision_auth", "member_name", "pw", "api_key", API_KEY).isError()).isFalse();
                String command = "base64 ~/.apra-fleet-keys; base64 -w 64 ~/.apra-fleet-keys; sleep 1; "
                        + "for p in '' x xy; do printf %s \"$p" + API_KEY + "!\" | base64; "
                        + "printf %s \"$p" + TestSshServer.PASSWORD + "!\" | base64; done; "
                        // Hex as xxd -p prints it (60 columns), and in upper case.
                        + "od -An -v -tx1 ~/.apra-fleet-keys | tr -d ' \\n' | fold -w 60; echo; "
                        + "printf %s \"x" + TestSshServer.PASSWORD + "!\" | od -An -v -tx1 | tr -d ' \\n' | tr a-f A-F; echo";
                List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
                ToolResult printed = fleet.fleet.tools().run("execute_command", java.util.Map.of("member_name", "pw",
                        "command", command), (done, total, message) -> progress.add(message));
                assertThat(printed.isError()).as(printed.text()).isFalse();
                assertThat(printed.text()).contains("********");
                List<String> seen = new ArrayList<>(progress);
                seen.add(printed.text());
                seen.add(new ObjectMapper().writeValueAsString(printed.structured()));
                for (String shown : seen) {
                    for (String secret : List.of(API_KEY, TestSshServer.PASSWORD)) {
                        assertThat(decoded(shown)).as("base64 in what was shown").noneMatch(d -> d.contains(secret));
                        String hex = java.util.HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
                        assertThat(shown.replaceAll("\\\\n|\\s", "").toLowerCase(java.util.Locale.ROOT))
                                .as("hex in what was shown").doesNotContain(hex.substring(0, 16), hex.substring(hex.length() - 16));
                    }
                }
                // The member really printed them: the key file holds the key.
                assertThat(Files.readString(memberHome.resolve(".apra-fleet-keys"))).contains(API_KEY);
            }
        }
    }

    /** Every run of base64 in {@code text}, line breaks left out, decoded from each of its first four characters. */
    private static List<String> decoded(String text) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z0-9+/]+(?:\\\\n|\\r?\\n)?(?:[A-Za-z0-9+/]+(?:\\\\n|\\r?\\n)?)*")
                .matcher(text);
        while (m.find()) {
            String run = m.group().replace("\\n", "").replaceAll("\\s", "");
            for (int skip = 0; skip < 4 && run.length() - skip >= 4; skip++) {
                String part = run.substring(skip, skip + (run.length() - skip) / 4 * 4);
                out.add(new String(java.util.Base64.getDecoder().decode(part), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }
}
