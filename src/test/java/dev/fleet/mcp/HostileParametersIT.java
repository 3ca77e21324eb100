package dev.fleet.mcp;

import static dev.fleet.testing.FleetServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.testing.FakeGitHosting;
import dev.fleet.testing.FleetServer;
import dev.fleet.testing.TestHome;
import dev.fleet.testing.TestSshServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-inputs hunt: every string parameter of every listed tool (and every string item of
 * an array parameter) is fed generated hostile values through a real MCP client, against a local
 * and a remote member. Each call must end in bounded time with a normal result or an error that
 * says what was wrong (never a JSON-RPC error or an unexpected failure), the session must keep
 * answering, no injected command may run (canary files), nothing named by a hostile value may
 * appear outside the test's folders, and the registry must still load in a fresh server.
 */
class HostileParametersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every call is bounded; a hostile value that makes a call hang is a defect. */
    private static final long CALL_BOUND_SECONDS = 45;
    private static final String LOCAL = "hostile-local";
    private static final String REMOTE = "hostile-remote";
    /** In every name a hostile value could create, unique to this run, so a leftover is found and blamed. */
    private static final String MARK = "hostile" + Long.toHexString(System.nanoTime());
    /** Parameters whose purpose is to run the given text as a shell command: a canary there is intended. */
    private static final Set<String> COMMAND_PARAMETERS = Set.of("execute_command.command");
    /**
     * The only tool not called: it ends the server, and with it the session under test. Every other
     * tool is called, remove_member last (hostile names match no member, so it removes nothing).
     */
    private static final Set<String> NOT_CALLED = Set.of("shutdown_server");
    /** Called last, so members they add or change do not disturb the other tools' calls. */
    private static final List<String> LAST = List.of("update_member", "register_member", "remove_member");

    @TempDir
    static Path tmp;

    private TestHome home;
    private Path canaries;
    private Path outside;
    private Path localWork;
    private Path memberHome;
    private Path remoteWork;
    private FleetServer server;
    private TestSshServer sshd;
    private final Map<String, String> memberIds = new LinkedHashMap<>();
    private final Map<String, String> caseOfTag = new LinkedHashMap<>();
    private int registrations;

    /** One call: which tool, which parameter, which value (by index), on which member. */
    private record Case(String tool, String param, int value, String member, String tag) {
        String describe() {
            return tool + "." + param + " value#" + value + (member == null ? "" : " on " + member);
        }
    }

    @Test
    void everyStringParameterOfEveryToolSurvivesHostileValues() throws Exception {
        home = new TestHome(tmp);
        home.installFakeAgentCli("2.1.0");
        canaries = Files.createDirectories(tmp.resolve("canaries"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        localWork = Files.createDirectories(tmp.resolve("local-work"));
        memberHome = Files.createDirectories(tmp.resolve("member-home"));
        remoteWork = Files.createDirectories(memberHome.resolve("work"));
        TestHome.installFakeAgentCli(memberHome, "2.1.0");
        Files.writeString(localWork.resolve("data.txt"), "local data");
        Files.writeString(remoteWork.resolve("data.txt"), "remote data");
        Path toSend = Files.writeString(tmp.resolve("to-send.txt"), "payload");
        Path projectDir = Path.of("").toAbsolutePath();

        ExecutorService caller = Executors.newSingleThreadExecutor();
        List<String> defects = new ArrayList<>();
        int calls = 0;
        try (FakeGitHosting hosting = new FakeGitHosting()) {
            hosting.installationRepos.add("acme/app");
            Map<String, String> env = new LinkedHashMap<>(home.env());
            env.putAll(hosting.env());
            sshd = new TestSshServer(home, tmp.resolve("sshd"), memberHome).start();
            server = new FleetServer(env);
            server.client().initialize();
            registerMembers();
            Path appKey = hosting.writePkcs1Key(tmp.resolve("app.pem"));
            McpSchema.CallToolResult app = server.call("setup_git_app", "app_id", FakeGitHosting.APP_ID,
                    "private_key_path", appKey.toString(), "installation_id", FakeGitHosting.INSTALLATION_ID);
            assertThat(app.isError()).as(text(app)).isFalse();

            List<McpSchema.Tool> tools = orderedTools(server.client().listTools().tools());
            assertThat(tools).extracting(McpSchema.Tool::name).contains("execute_command", "receive_files", "register_member");
            Set<String> covered = new LinkedHashSet<>();
            for (McpSchema.Tool tool : tools) {
                for (String param : stringParameters(tool)) {
                    covered.add(tool.name() + "." + param);
                    List<String> members = takesMember(tool) && !param.equals("member_name") && !param.equals("member_id")
                            ? List.of(LOCAL, REMOTE) : List.of(LOCAL);
                    for (String member : members) {
                        for (int v = 0; v < hostileValueCount(); v++) {
                            String tag = "c" + (caseOfTag.size() + 1);
                            Case c = new Case(tool.name(), param, v, takesMember(tool) ? member : null, tag);
                            caseOfTag.put(tag, c.describe());
                            Map<String, Object> args = baseArguments(tool, param, member, appKey, toSend);
                            boolean array = isArray(tool, param);
                            String value = hostileValues(tag).get(v);
                            if (param.equals("member_id")) {
                                args.remove("member_name");
                            }
                            args.put(param, array ? List.of(value) : value);
                            calls++;
                            String defect = callAndJudge(caller, c, args);
                            if (defect != null) {
                                defects.add(defect);
                            }
                            String alive = sessionAnswers(caller);
                            if (alive != null) {
                                defects.add(c.describe() + ": the session stopped answering afterwards: " + alive);
                                break;
                            }
                        }
                    }
                }
            }
            assertThat(covered).as("string parameters reached").contains("execute_command.command", "execute_command.work_folder",
                    "receive_files.remote_paths", "receive_files.local_dest", "send_files.local_paths",
                    "send_files.remote_subfolder", "execute_prompt.model", "provision_auth.api_key",
                    "compose_permissions.project_folder", "register_member.work_folder", "monitor_task.task_id");
            assertThat(defects).as("defects over " + calls + " calls").isEmpty();

            try (Stream<Path> made = Files.list(canaries)) {
                assertThat(made.map(f -> caseOfTag.get(f.getFileName().toString().replaceAll(".*-", ""))))
                        .as("the canaries work: a command given as the command does run").isNotEmpty()
                        .allMatch(what -> what != null && what.startsWith("execute_command.command"));
            }
            assertThat(canariesThatRan(projectDir)).as("injected commands that ran").isEmpty();
            assertThat(hostileNamesOutside(projectDir)).as("files named by a hostile value outside the test's folders").isEmpty();

            McpSchema.CallToolResult listed = server.call("list_members", "format", "json");
            assertThat(listed.isError()).as(text(listed)).isFalse();
            assertThat(JSON.readTree(text(listed)).get("members").toString()).contains(LOCAL, REMOTE);
            server.close();
            server = null;

            JSON.readTree(home.dataDir().resolve("registry.json").toFile());
            try (FleetServer fresh = new FleetServer(env)) {
                fresh.client().initialize();
                JsonNode again = JSON.readTree(text(fresh.call("list_members", "format", "json")));
                assertThat(again.get("members").toString()).contains(LOCAL, REMOTE);
                McpSchema.CallToolResult run = fresh.call("execute_command", "member_name", REMOTE, "command", "echo still-here");
                assertThat(text(run)).contains("Exit code 0", "still-here");
            }
        } finally {
            caller.shutdownNow();
            if (server != null) {
                server.close();
            }
            if (sshd != null) {
                sshd.close();
            }
        }
    }

    private void registerMembers() throws Exception {
        McpSchema.CallToolResult local = server.call("register_member", "friendly_name", LOCAL, "member_type", "local",
                "work_folder", localWork.toString());
        assertThat(local.isError()).as(text(local)).isFalse();
        McpSchema.CallToolResult remote = server.call("register_member", "friendly_name", REMOTE, "member_type", "remote",
                "host", "127.0.0.1", "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                "password", TestSshServer.PASSWORD, "work_folder", remoteWork.toString());
        assertThat(remote.isError()).as(text(remote)).isFalse();
        for (String name : List.of("upd-local", "upd-remote")) {
            McpSchema.CallToolResult r = name.equals("upd-local")
                    ? server.call("register_member", "friendly_name", name, "member_type", "local",
                            "work_folder", tmp.resolve("upd-local-work").toString())
                    : server.call("register_member", "friendly_name", name, "member_type", "remote", "host", "127.0.0.1",
                            "port", sshd.port(), "username", TestSshServer.USER, "auth_type", "password",
                            "password", TestSshServer.PASSWORD, "work_folder", memberHome.resolve("upd-work").toString());
            assertThat(r.isError()).as(text(r)).isFalse();
        }
        JsonNode members = JSON.readTree(text(server.call("list_members", "format", "json"))).get("members");
        for (JsonNode m : members) {
            memberIds.put(m.get("name").asText(), m.get("id").asText());
        }
        assertThat(memberIds).containsKeys(LOCAL, REMOTE, "upd-local", "upd-remote");
    }

    /**
     * The hostile values for one call; {@code tag} names the call in every canary, so a canary that
     * appears says which call ran it. Relative canaries land in whatever folder a command ran in.
     */
    private List<String> hostileValues(String tag) {
        String canary = canaries.resolve("CANARY-" + MARK + "-" + tag).toString();
        String relative = "CANARY-" + MARK + "-" + tag;
        return List.of(
                "'",
                "\"",
                "it's a \"quoted\" value",
                "$(touch " + canary + ")",
                "`touch " + canary + "`",
                "; touch " + canary,
                "x\ntouch " + canary + "\n",
                "x'; touch " + canary + "; echo '",
                "x\"; touch " + canary + "; echo \"",
                "$(touch " + relative + ")",
                "& touch " + relative + " & rem",
                "-oProxyCommand=touch " + canary,
                "a\u0000b",
                "../../../" + MARK + "-escape",
                "..\\..\\" + MARK + "-escape",
                outside.resolve(MARK + "-abs").toString(),
                "C:\\Windows\\" + MARK + "-win",
                "sub\\dir\\" + MARK + "-win",
                "x".repeat(100_000),
                "lone \uD800 surrogate \uDC00 and bidi \u202E\uFEFF e\u0301 🔥",
                "");
    }

    private int hostileValueCount() {
        return hostileValues("count").size();
    }

    /** The call, judged: null when it ended well, else what went wrong. */
    private String callAndJudge(ExecutorService caller, Case c, Map<String, Object> args) {
        McpSchema.CallToolResult result;
        try {
            result = caller.submit(() -> server.client().callTool(new McpSchema.CallToolRequest(c.tool(), args)))
                    .get(CALL_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return c.describe() + ": no answer within " + CALL_BOUND_SECONDS + " s";
        } catch (ExecutionException e) {
            return c.describe() + ": failed at the protocol level: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return c.describe() + ": interrupted";
        }
        String text = text(result);
        if (!Boolean.TRUE.equals(result.isError())) {
            return null;
        }
        // ToolRunner's catch-all for exceptions nothing expected: "<tool> failed: ...".
        if (text.startsWith(c.tool() + " failed") || text.contains("failed unexpectedly")) {
            return c.describe() + ": unexpected failure: " + abbreviate(text);
        }
        if (text.isBlank()) {
            return c.describe() + ": an error with no text";
        }
        return null;
    }

    /** null when the session still answers list_members, else why not. */
    private String sessionAnswers(ExecutorService caller) {
        try {
            McpSchema.CallToolResult r = caller.submit(() -> server.call("list_members"))
                    .get(CALL_BOUND_SECONDS, TimeUnit.SECONDS);
            return Boolean.TRUE.equals(r.isError()) || !text(r).contains(LOCAL) ? abbreviate(text(r)) : null;
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Map<String, Object> baseArguments(McpSchema.Tool tool, String param, String member, Path appKey, Path toSend) {
        Map<String, Object> a = new LinkedHashMap<>();
        if (takesMember(tool)) {
            a.put("member_name", member);
        }
        switch (tool.name()) {
            case "execute_command" -> {
                a.put("command", "true");
                a.put("timeout_ms", 15_000);
            }
            case "execute_prompt" -> {
                a.put("prompt", "say hi");
                a.put("timeout_ms", 15_000);
            }
            case "monitor_task", "stop_task" -> a.put("task_id", "task-none");
            case "provision_auth", "provision_llm_auth" -> a.put("api_key", "sk-ant-hostile-test-key");
            case "update_claude", "update_llm_cli" -> a.put("install_if_missing", false);
            case "send_files" -> a.put("local_paths", List.of(toSend.toString()));
            case "receive_files" -> {
                a.put("remote_paths", List.of("data.txt"));
                a.put("local_dest", tmp.resolve("received").toString());
            }
            case "cloud_control" -> a.put("action", "status");
            case "setup_git_app" -> {
                a.put("app_id", FakeGitHosting.APP_ID);
                a.put("private_key_path", appKey.toString());
                a.put("installation_id", FakeGitHosting.INSTALLATION_ID);
            }
            case "provision_vcs_auth" -> vcsArguments(a, param);
            case "revoke_vcs_auth" -> a.put("provider", "github");
            case "compose_permissions" -> a.put("role", "doer");
            case "update_member" -> {
                a.remove("member_name");
                a.put("member_id", memberIds.get(member.equals(LOCAL) ? "upd-local" : "upd-remote"));
            }
            case "register_member" -> registerArguments(a, param);
            default -> {
            }
        }
        return a;
    }

    /** Each VCS parameter with the provider it belongs to, so the value reaches the code that uses it. */
    private static void vcsArguments(Map<String, Object> a, String param) {
        switch (param) {
            case "email", "api_token", "workspace" -> {
                a.put("provider", "bitbucket");
                a.put("email", "dev@example.com");
                a.put("api_token", "bb-token");
                a.put("workspace", "acme");
            }
            case "org_url", "pat" -> {
                a.put("provider", "azure-devops");
                a.put("org_url", "https://dev.azure.com/acme");
                a.put("pat", "azure-pat");
            }
            case "token" -> {
                a.put("provider", "github");
                a.put("github_mode", "pat");
                a.put("token", "ghp_hostile");
            }
            default -> {
                a.put("provider", "github");
                a.put("git_access", "read");
                a.put("repos", List.of("acme/app"));
            }
        }
    }

    /** A new member per call (names must be unique): remote for the connection parameters, local otherwise. */
    private void registerArguments(Map<String, Object> a, String param) {
        String name = "reg-" + (++registrations);
        a.put("friendly_name", name);
        if (Set.of("host", "username", "password", "key_path", "auth_type").contains(param)) {
            a.put("member_type", "remote");
            a.put("host", "127.0.0.1");
            a.put("port", sshd.port());
            a.put("username", TestSshServer.USER);
            a.put("auth_type", param.equals("key_path") ? "key" : "password");
            if (!param.equals("key_path")) {
                a.put("password", TestSshServer.PASSWORD);
            }
            a.put("work_folder", memberHome.resolve(name).toString());
        } else {
            a.put("member_type", "local");
            a.put("work_folder", tmp.resolve("registered").resolve(name).toString());
        }
    }

    private static List<McpSchema.Tool> orderedTools(List<McpSchema.Tool> listed) {
        List<McpSchema.Tool> first = new ArrayList<>();
        List<McpSchema.Tool> last = new ArrayList<>();
        for (McpSchema.Tool t : listed) {
            if (NOT_CALLED.contains(t.name())) {
                continue;
            }
            (LAST.contains(t.name()) ? last : first).add(t);
        }
        last.sort((x, y) -> LAST.indexOf(x.name()) - LAST.indexOf(y.name()));
        first.addAll(last);
        return first;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> properties(McpSchema.Tool tool) {
        Object p = tool.inputSchema().get("properties");
        return p == null ? Map.of() : (Map<String, Map<String, Object>>) p;
    }

    /** String parameters and arrays of strings, as the tool's own schema declares them. */
    private static List<String> stringParameters(McpSchema.Tool tool) {
        List<String> out = new ArrayList<>();
        properties(tool).forEach((name, schema) -> {
            if ("string".equals(schema.get("type")) || isStringArray(schema)) {
                out.add(name);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static boolean isStringArray(Map<String, Object> schema) {
        return "array".equals(schema.get("type")) && schema.get("items") instanceof Map<?, ?> items
                && "string".equals(((Map<String, Object>) items).get("type"));
    }

    private static boolean isArray(McpSchema.Tool tool, String param) {
        return "array".equals(properties(tool).get(param).get("type"));
    }

    private static boolean takesMember(McpSchema.Tool tool) {
        return properties(tool).containsKey("member_name");
    }

    /** Canary files anywhere a command could have run, except those of parameters that are commands by design. */
    private List<String> canariesThatRan(Path projectDir) throws IOException {
        List<Path> places = List.of(canaries, localWork, remoteWork, memberHome, home.home(), tmp, projectDir,
                tmp.resolve("registered"), Path.of(System.getProperty("java.io.tmpdir")));
        List<String> ran = new ArrayList<>();
        for (Path place : places) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(place, place.equals(canaries) ? 1 : 3)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("CANARY-" + MARK)).forEach(n -> {
                    String tag = n.substring(n.lastIndexOf('-') + 1);
                    String what = caseOfTag.getOrDefault(tag, n);
                    if (COMMAND_PARAMETERS.stream().noneMatch(what::startsWith)) {
                        ran.add(n + " (" + what + ") in " + place);
                    }
                });
            }
        }
        return ran;
    }

    /**
     * Files named by a hostile value in the places a path could escape to: the system temp folder,
     * the parents of the test's folders, the project folder (the server's working folder).
     */
    private List<String> hostileNamesOutside(Path projectDir) throws IOException {
        Set<Path> places = new LinkedHashSet<>();
        places.add(Path.of(System.getProperty("java.io.tmpdir")));
        places.add(projectDir);
        for (Path p = tmp; p != null; p = p.getParent()) {
            places.add(p.getParent() == null ? p : p.getParent());
        }
        List<String> found = new ArrayList<>();
        for (Path place : places) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(place)) {
                entries.filter(e -> !e.startsWith(tmp)).map(e -> e.getFileName().toString())
                        .filter(n -> n.contains(MARK))
                        .forEach(n -> found.add(place.resolve(n).toString()));
            }
        }
        return found;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
