package dev.fleet.tools;

import static dev.fleet.tools.RegistrationParams.*;

import dev.fleet.agentcli.AgentCli;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.ConnectionCheck;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.AgentType;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.AuthType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.os.OsCommands;
import dev.fleet.security.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
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
            CLOUD_SSH_KEY_PATH, CLOUD_ACTIVITY_COMMAND, CostSafetyParams.BUDGET, CostSafetyParams.GPU_BUSY_MIN_UTIL);
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(20);

    private final RegistryStore store;
    private final Channels channels;
    private final SecretBox secrets;
    private final CloudProviders clouds;
    private final Clock clock;
    private final dev.fleet.guard.GuardService guard;

    public RegisterMember(RegistryStore store, Channels channels, SecretBox secrets, CloudProviders clouds, Clock clock,
                          dev.fleet.guard.GuardService guard) {
        this.guard = guard;
        this.store = store;
        this.channels = channels;
        this.secrets = secrets;
        this.clouds = clouds;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "register_member";
    }

    @Override
    public String description() {
        return "Add a member to the fleet: a working folder on this machine (member_type=local) or on another "
                + "machine over SSH (member_type=remote, with host, username and either auth_type=key + key_path or "
                + "auth_type=password + password). Checks the member before saving it: connects and measures latency "
                + "(remote), detects the OS, checks the agent CLI (claude --version; missing is only a warning), creates "
                + "the work folder, and rejects a second member on the same folder of the same machine. A member that "
                + "cannot be reached is not registered; the error says why. Takes a second or two.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException {
        AgentType type = "local".equals(in.string("member_type")) ? AgentType.LOCAL : AgentType.REMOTE;
        String name = in.string("friendly_name");
        boolean cloud = false;
        for (String p : CLOUD_PARAMS) {
            if (in.given(p)) {
                if (type == AgentType.LOCAL) {
                    throw new InvalidInputException(p, "applies to cloud members, which are remote; this is member_type=local");
                }
                cloud = true;
            }
        }
        if (store.read().byName(name).isPresent()) {
            throw new InvalidInputException("friendly_name", "'" + name + "' is already taken by another member; choose a unique name");
        }
        Member.Builder draft = Member.builder().id(UUID.randomUUID().toString()).friendlyName(name).agentType(type)
                .gitAccess(in.string("git_access")).gitRepos(in.stringList("git_repos"));
        if (cloud) {
            return registerCloud(in, draft);
        }
        return type == AgentType.LOCAL ? registerLocal(in, draft) : registerRemote(in, draft);
    }

    private ToolResult registerLocal(ToolInput in, Member.Builder draft) throws ChannelException {
        for (String p : REMOTE_PARAMS) {
            if (in.given(p)) {
                throw new InvalidInputException(p, "applies to remote members only; this is member_type=local");
            }
        }
        String folder = normaliseLocal(in.string("work_folder"));
        refuseDuplicateFolder(store.read(), null, "local", folder);
        Member member = draft.workFolder(folder).os(MemberOs.current()).build();
        return finish(member, channels.forMember(member), 0, new ArrayList<>());
    }

    private ToolResult registerRemote(ToolInput in, Member.Builder draft) throws ChannelException {
        if (in.string("host") == null) {
            throw new InvalidInputException("host", "is required for member_type=remote");
        }
        if (in.string("username") == null) {
            throw new InvalidInputException("username", "is required for member_type=remote");
        }
        AuthType auth = in.string("auth_type") != null ? AuthType.fromJson(in.string("auth_type"))
                : in.string("key_path") != null ? AuthType.KEY
                : in.string("password") != null ? AuthType.PASSWORD : null;
        if (auth == null) {
            throw new InvalidInputException("auth_type", "is required for member_type=remote: 'key' with key_path, or 'password' with password");
        }
        if (auth == AuthType.PASSWORD && in.string("password") == null) {
            throw new InvalidInputException("password", "is required with auth_type=password");
        }
        if (auth == AuthType.KEY) {
            if (in.string("key_path") == null) {
                throw new InvalidInputException("key_path", "is required with auth_type=key");
            }
            if (!Files.isRegularFile(Path.of(expandLocal(in.string("key_path"))))) {
                throw new InvalidInputException("key_path", "must name an existing private key file on this machine ('"
                        + in.string("key_path") + "' does not exist)");
            }
        }
        draft.host(in.string("host")).port(in.integer("port")).username(in.string("username")).authType(auth)
                .keyPath(auth == AuthType.KEY ? expandLocal(in.string("key_path")) : null)
                .encryptedPassword(auth == AuthType.PASSWORD ? secrets.encrypt(in.string("password")) : null)
                .workFolder(in.string("work_folder"));
        return connectAndFinish(draft, new ArrayList<>());
    }

    /**
     * A cloud member is a remote member with a cloud block. Its instance is read first: a
     * terminated one is refused, a running one gives its public IP (when host is not given) and is
     * checked like any remote member, a stopped one is registered without SSH checks.
     */
    private ToolResult registerCloud(ToolInput in, Member.Builder draft) throws ChannelException {
        if (in.string("cloud_instance_id") == null) {
            throw new InvalidInputException("cloud_instance_id", "is required for a cloud member");
        }
        if (in.string("cloud_ssh_key_path") == null) {
            throw new InvalidInputException("cloud_ssh_key_path", "is required for a cloud member (it is also the member's SSH key)");
        }
        if (in.string("username") == null) {
            throw new InvalidInputException("username", "is required for a cloud member (e.g. ubuntu or ec2-user)");
        }
        if ("password".equals(in.string("auth_type"))) {
            throw new InvalidInputException("auth_type", "must be key for a cloud member (cloud_ssh_key_path)");
        }
        String keyPath = expandLocal(in.string("cloud_ssh_key_path"));
        if (!Files.isRegularFile(Path.of(keyPath))) {
            throw new InvalidInputException("cloud_ssh_key_path", "must name an existing private key file on this machine ('"
                    + in.string("cloud_ssh_key_path") + "' does not exist)");
        }
        CloudConfig cloud = new CloudConfig(in.string("cloud_provider") == null ? "aws" : in.string("cloud_provider"),
                in.string("cloud_instance_id"), in.string("cloud_region") == null ? CloudConfig.DEFAULT_REGION : in.string("cloud_region"),
                in.string("cloud_profile"), in.integer("cloud_idle_timeout_min") == null ? CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN
                        : in.integer("cloud_idle_timeout_min"), keyPath,
                in.string("cloud_activity_command") == null || in.string("cloud_activity_command").isEmpty()
                        ? null : in.string("cloud_activity_command"), null);
        cloud = CostSafetyParams.forRegistration(cloud, in);
        InstanceDetails instance;
        try {
            instance = clouds.forConfig(cloud).describe(cloud);
        } catch (CloudException e) {
            throw new ToolException("Cannot read instance " + cloud.instanceId() + ": " + e.getMessage() + ". The member was not registered.");
        }
        if (instance.state().isGone()) {
            throw new ToolException("Instance " + cloud.instanceId() + " is " + instance.state().label()
                    + "; a terminated instance cannot be used. The member was not registered.");
        }
        String host = in.string("host") != null ? in.string("host") : instance.publicIp();
        draft.cloud(cloud).host(host).port(in.integer("port")).username(in.string("username")).authType(AuthType.KEY)
                .keyPath(in.string("key_path") != null ? expandLocal(in.string("key_path")) : keyPath)
                .workFolder(in.string("work_folder"));
        if (instance.state() == InstanceState.RUNNING) {
            if (host == null) {
                throw new ToolException("Instance " + cloud.instanceId() + " is running but has no public IP; give host. "
                        + "The member was not registered.");
            }
            return connectAndFinish(draft, new ArrayList<>());
        }
        return saveUnchecked(draft, instance);
    }

    /** A stopped (or starting/stopping) instance: saved as given; the first tool call starts and checks it. */
    private ToolResult saveUnchecked(Member.Builder draft, InstanceDetails instance) {
        Member member = draft.os(MemberOs.LINUX).createdAt(clock.instant()).lastUsed(clock.instant()).build();
        if (member.workFolder().startsWith("~")) {
            throw new InvalidInputException("work_folder", "must be absolute for a cloud member whose instance is not running "
                    + "(fleet cannot ask it for its home folder now)");
        }
        store.update(current -> {
            if (current.byName(member.friendlyName()).isPresent()) {
                throw new InvalidInputException("friendly_name", "'" + member.friendlyName() + "' is already taken by another member");
            }
            return current.with(member);
        });
        List<String> warnings = List.of("instance " + instance.instanceId() + " is " + instance.state().label()
                + ": registered without SSH checks (OS assumed linux); the first tool call on this member starts it, "
                + "then checks it");
        return result(member, -1, Optional.empty(), new ArrayList<>(warnings));
    }

    private ToolResult connectAndFinish(Member.Builder draft, List<String> warnings) throws ChannelException {
        Member probe = draft.build();
        MemberChannel channel = channels.forMember(probe);
        try {
            Optional<MemberOs> os = channel.detectOs();
            if (os.isEmpty()) {
                warnings.add("could not tell the member's OS; assuming Linux");
            }
            draft.os(os.orElse(MemberOs.LINUX));
            probe = draft.build();
            channel = channels.forMember(probe);
            ConnectionCheck check = channel.test();
            if (check instanceof ConnectionCheck.Unreachable u) {
                throw new ChannelException(u.reason());
            }
            long latency = ((ConnectionCheck.Reachable) check).latency().toMillis();
            String folder = resolveRemoteFolder(channel, Channels.osOf(probe), probe.workFolder());
            Member member = draft.workFolder(folder).build();
            refuseDuplicateFolder(store.read(), null, member.deviceKey(), folder);
            return finish(member, channel, latency, warnings);
        } catch (ChannelException e) {
            channels.release(probe);
            throw new ToolException("Cannot reach " + probe.username() + "@" + probe.host() + ":" + probe.port() + ": "
                    + e.getMessage() + ". The member was not registered.");
        } catch (RuntimeException e) {
            channels.release(probe);
            throw e;
        }
    }

    /** A ~ folder is expanded on the member, where it means the member user's home. */
    private static String resolveRemoteFolder(MemberChannel channel, OsCommands os, String folder) throws ChannelException {
        if (!folder.equals("~") && !folder.startsWith("~/")) {
            return folder;
        }
        CommandResult home = channel.exec(CommandRequest.probe(os.homeFolder(), SETUP_TIMEOUT));
        String h = home.stdout().strip();
        if (!home.succeeded() || h.isEmpty()) {
            throw new ChannelException("cannot find the home folder on the member to expand " + folder);
        }
        return folder.equals("~") ? h : h + folder.substring(1);
    }

    private ToolResult finish(Member draft, MemberChannel channel, long latencyMs, List<String> warnings) throws ChannelException {
        OsCommands commands = Channels.osOf(draft);
        Optional<String> agent = AgentCli.version(channel, commands);
        if (agent.isEmpty()) {
            warnings.add(AgentCli.MISSING_WARNING);
        }
        CommandResult mkdir = channel.exec(CommandRequest.probe(commands.makeDirectory(draft.workFolder()), SETUP_TIMEOUT));
        if (!mkdir.succeeded()) {
            throw new ToolException("Cannot create the work folder " + draft.workFolder() + ": "
                    + mkdir.stderr().strip().lines().findFirst().orElse("exit " + mkdir.exitCode())
                    + ". The member was not registered.");
        }
        Member member = draft.toBuilder().createdAt(clock.instant()).lastUsed(clock.instant()).build();
        store.update(current -> {
            // Checked again under the lock: another fleet process may have registered meanwhile.
            if (current.byName(member.friendlyName()).isPresent()) {
                throw new InvalidInputException("friendly_name", "'" + member.friendlyName() + "' is already taken by another member");
            }
            refuseDuplicateFolder(current, null, member.deviceKey(), member.workFolder());
            return current.with(member);
        });
        if (member.cloud() != null) {
            warnings.addAll(guard.install(member).warnings());
        }
        return result(member, latencyMs, agent, warnings);
    }

    private static ToolResult result(Member m, long latencyMs, Optional<String> agent, List<String> warnings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("name", m.friendlyName());
        out.put("type", m.agentType().json());
        if (!m.isLocal()) {
            out.put("host", m.host());
            out.put("port", m.port());
            out.put("username", m.username());
            out.put("authType", m.authType().json());
        }
        out.put("os", m.os().json());
        out.put("workFolder", m.workFolder());
        out.put("latencyMs", latencyMs);
        out.put("agentCli", agent.orElse(null));
        out.put("warnings", warnings);
        StringBuilder text = new StringBuilder()
                .append("Registered member ").append(m.friendlyName()).append(" (").append(m.agentType().json()).append(")\n")
                .append("  id:        ").append(m.id()).append('\n');
        if (!m.isLocal()) {
            text.append("  host:      ").append(m.username()).append('@').append(m.host()).append(':').append(m.port())
                    .append(" (").append(m.authType().json()).append(" auth)\n");
        }
        text.append("  OS:        ").append(m.os().json()).append('\n')
                .append("  folder:    ").append(m.workFolder()).append('\n')
                .append("  latency:   ").append(latencyMs < 0 ? "not measured" : latencyMs + " ms").append(m.isLocal() ? " (local)" : "").append('\n')
                .append("  agent CLI: ").append(agent.orElse("not found")).append('\n');
        if (m.cloud() != null) {
            text.append("  cloud:     ").append(m.cloud().provider()).append(' ').append(m.cloud().instanceId()).append(" in ")
                    .append(m.cloud().region()).append(", idle stop after ").append(m.cloud().idleTimeoutMin()).append(" min\n");
        }
        if (!warnings.isEmpty()) {
            text.append("Warnings:\n");
            warnings.forEach(w -> text.append("  - ").append(w).append('\n'));
        }
        return ToolResult.ok(text.toString().stripTrailing(), out);
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
}
