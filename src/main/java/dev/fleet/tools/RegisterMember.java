package dev.fleet.tools;

import static dev.fleet.tools.RegistrationParams.*;

import dev.fleet.agentcli.AgentCli;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.os.OsCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** register_member: adds a machine + folder to the fleet after checking it is usable. */
public final class RegisterMember implements Tool {
    private static final ParamSpec PARAMS = ParamSpec.of(
            FRIENDLY_NAME.required(), MEMBER_TYPE, HOST, PORT.withDefault(22L), USERNAME, AUTH_TYPE, PASSWORD, KEY_PATH,
            WORK_FOLDER.required(), GIT_ACCESS, GIT_REPOS,
            CLOUD_PROVIDER, CLOUD_INSTANCE_ID, CLOUD_REGION, CLOUD_PROFILE, CLOUD_IDLE_TIMEOUT_MIN,
            CLOUD_SSH_KEY_PATH, CLOUD_ACTIVITY_COMMAND);

    private final RegistryStore store;
    private final Channels channels;
    private final Clock clock;

    public RegisterMember(RegistryStore store, Channels channels, Clock clock) {
        this.store = store;
        this.channels = channels;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "register_member";
    }

    @Override
    public String description() {
        return "Add a member to the fleet: a working folder on this machine (member_type=local) or on another "
                + "machine over SSH (member_type=remote). Checks the member before saving it: rejects a second member "
                + "on the same folder of the same machine, detects the OS, checks the agent CLI (claude --version; "
                + "missing is only a warning) and creates the work folder. Returns the new member's id. "
                + "Takes a second or two; call once per member, then use member_name in other tools.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException {
        AgentType type = "local".equals(in.string("member_type")) ? AgentType.LOCAL : AgentType.REMOTE;
        String name = in.string("friendly_name");
        if (type == AgentType.LOCAL) {
            for (String p : REMOTE_PARAMS) {
                if (in.given(p)) {
                    throw new InvalidInputException(p, "applies to remote members only; this is member_type=local");
                }
            }
            for (String p : CLOUD_PARAMS) {
                if (in.given(p)) {
                    throw new InvalidInputException(p, "applies to cloud members, which are remote; this is member_type=local");
                }
            }
        } else {
            throw new ToolException("member_type=remote is not supported by this version of fleet yet: "
                    + "remote (SSH) and cloud members come in a later release. Register a local member instead.");
        }
        Registry before = store.read();
        refuseDuplicates(before, name, normaliseLocal(in.string("work_folder")));
        return registerLocal(in, name);
    }

    private ToolResult registerLocal(ToolInput in, String name) throws ChannelException {
        String folder = normaliseLocal(in.string("work_folder"));
        MemberOs os = MemberOs.current();
        OsCommands commands = OsCommands.forOs(os);
        Member draft = Member.builder().id(UUID.randomUUID().toString()).friendlyName(name)
                .agentType(AgentType.LOCAL).workFolder(folder).os(os).build();
        MemberChannel channel = channels.forMember(draft);

        List<String> warnings = new ArrayList<>();
        Optional<String> agent = AgentCli.version(channel, commands);
        if (agent.isEmpty()) {
            warnings.add(AgentCli.MISSING_WARNING);
        }
        CommandResult mkdir = channel.exec(CommandRequest.probe(commands.makeDirectory(folder), Duration.ofSeconds(15)));
        if (!mkdir.succeeded()) {
            throw new ToolException("Cannot create the work folder " + folder + ": " + firstLine(mkdir.stderr()));
        }
        Member member = draft.toBuilder()
                .createdAt(clock.instant())
                .lastUsed(clock.instant())
                .gitAccess(in.string("git_access"))
                .gitRepos(in.stringList("git_repos"))
                .build();
        store.update(current -> {
            // Checked again under the lock: another fleet process may have registered meanwhile.
            refuseDuplicates(current, name, folder);
            return current.with(member);
        });

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", member.id());
        out.put("name", name);
        out.put("type", "local");
        out.put("os", os.json());
        out.put("workFolder", folder);
        out.put("latencyMs", 0);
        out.put("agentCli", agent.orElse(null));
        out.put("warnings", warnings);
        StringBuilder text = new StringBuilder()
                .append("Registered member ").append(name).append(" (local)\n")
                .append("  id:        ").append(member.id()).append('\n')
                .append("  OS:        ").append(os.json()).append('\n')
                .append("  folder:    ").append(folder).append('\n')
                .append("  latency:   0 ms (local)\n")
                .append("  agent CLI: ").append(agent.orElse("not found")).append('\n');
        if (!warnings.isEmpty()) {
            text.append("Warnings:\n");
            warnings.forEach(w -> text.append("  - ").append(w).append('\n'));
        }
        return ToolResult.ok(text.toString().stripTrailing(), out);
    }

    static void refuseDuplicates(Registry registry, String name, String folder) {
        if (registry.byName(name).isPresent()) {
            throw new InvalidInputException("friendly_name", "'" + name + "' is already taken by another member; choose a unique name");
        }
        refuseDuplicateFolder(registry, null, "local", folder);
    }

    /** One member per folder per machine; {@code exceptId} is the member being updated. */
    static void refuseDuplicateFolder(Registry registry, String exceptId, String deviceKey, String folder) {
        for (Member m : registry.members()) {
            if (!m.id().equals(exceptId) && m.deviceKey().equals(deviceKey) && sameFolder(m.workFolder(), folder)) {
                throw new InvalidInputException("work_folder", "'" + folder + "' is already the folder of member "
                        + m.friendlyName() + " on the same machine; one member per folder");
            }
        }
    }

    private static boolean sameFolder(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String f) {
        return f.length() > 1 && (f.endsWith("/") || f.endsWith("\\")) ? f.substring(0, f.length() - 1) : f;
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("(no message)");
    }
}
