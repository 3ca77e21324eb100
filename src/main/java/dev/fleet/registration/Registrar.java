package dev.fleet.registration;

import dev.fleet.base.Quoted;
import dev.fleet.agentcli.AgentCli;
import dev.fleet.agentcli.AgentVersions;
import dev.fleet.agentcli.LlmProvider;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ProviderAdapter;
import dev.fleet.base.InvalidRequest;
import dev.fleet.base.RequestRefused;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.MemberPaths;
import dev.fleet.guard.GuardReport;
import dev.fleet.guard.GuardService;
import dev.fleet.member.AgentType;
import dev.fleet.member.AuthType;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.member.MemberOs;
import dev.fleet.member.MemberRef;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adding, changing and removing members, with every rule about them: a member must be usable
 * before it is saved (reached, OS told, work folder created), names are unique, one member per
 * folder per machine, {@code ~} means the PM's home for local paths and the member user's home on
 * a remote member, and a password is stored only sealed. Removal takes back what fleet deployed
 * ({@link MemberCleanup}). Every member gets an icon from the pool when it is registered; a cloud
 * member whose instance runs gets the on-instance guard, which learns of its new idle settings. A
 * member's agent CLI (llm_provider, claude by default) is checked at registration; a missing one is
 * only a warning that says how to install it.
 */
public final class Registrar {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);

    /** A member just registered. {@code latencyMs} is -1 when it was not measured (a stopped instance). */
    public record Registered(Member member, long latencyMs, Optional<String> agentCli, List<String> warnings) {
        public Registered {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * A member after an update; {@code changed} lists the parameters that changed it (empty: nothing
     * given). {@code onInstance}: what the change did on a cloud member's instance (its guard got the
     * new idle settings, or gets them at the next start); empty when nothing there concerned it.
     */
    public record Updated(Member member, List<String> changed, Optional<String> onInstance) {
        public Updated {
            changed = List.copyOf(changed);
        }
    }

    /** A member just removed, and what could not be taken back from it. */
    public record Removed(Member member, List<String> warnings) {
        public Removed {
            warnings = List.copyOf(warnings);
        }
    }

    private final RegistryStore store;
    private final Channels channels;
    private final SecretBox secrets;
    private final CloudLifecycle lifecycle;
    private final LocalPaths localPaths;
    private final MemberCleanup cleanup;
    private final GuardService guard;
    private final Clock clock;
    private final FirstContact firstContact;

    /** {@code probes} runs a new member's independent checks side by side. */
    public Registrar(RegistryStore store, Channels channels, SecretBox secrets, CloudLifecycle lifecycle,
                     LocalPaths localPaths, MemberCleanup cleanup, GuardService guard, Clock clock, AgentVersions agents,
                     ExecutorService probes) {
        this.store = store;
        this.channels = channels;
        this.secrets = secrets;
        this.lifecycle = lifecycle;
        this.localPaths = localPaths;
        this.cleanup = cleanup;
        this.guard = guard;
        this.clock = clock;
        this.firstContact = new FirstContact(channels, agents, probes);
    }

    public Registered register(MemberFields f) throws ChannelException {
        boolean local = f.memberType() == AgentType.LOCAL;
        boolean cloud = false;
        for (String p : MemberFields.CloudFields.PARAMS) {
            if (f.given(p)) {
                if (local) {
                    throw new InvalidRequest(p, "applies to cloud members, which are remote; this is member_type=local");
                }
                cloud = true;
            }
        }
        if (store.read().byName(f.friendlyName()).isPresent()) {
            throw new InvalidRequest("friendly_name", Quoted.value(f.friendlyName()) + " is already taken by another member; choose a unique name");
        }
        Member.Builder draft = Member.builder().id(UUID.randomUUID().toString()).friendlyName(f.friendlyName())
                .agentType(local ? AgentType.LOCAL : AgentType.REMOTE).gitAccess(f.gitAccess()).gitRepos(f.gitRepos());
        draft = MemberAgent.withModelTiers(MemberAgent.withProvider(draft.build(),
                        f.llmProvider() == null ? LlmProvider.DEFAULT : f.llmProvider()),
                f.modelTiers() == null ? Map.of() : f.modelTiers()).toBuilder();
        if (cloud) {
            return registerCloud(f, draft);
        }
        return local ? registerLocal(f, draft) : registerRemote(f, draft);
    }

    private Registered registerLocal(MemberFields f, Member.Builder draft) throws ChannelException {
        for (String p : MemberFields.REMOTE_PARAMS) {
            if (f.given(p)) {
                throw new InvalidRequest(p, "applies to remote members only; this is member_type=local");
            }
        }
        String folder = localPaths.normalise(f.workFolder(), "work_folder");
        FreeFolder free = refuseDuplicateFolder(store.read(), null, Member.LOCAL_DEVICE, folder);
        Member member = draft.workFolder(folder).os(MemberOs.current()).build();
        return finishLocal(member, channels.forMember(member), free, new ArrayList<>());
    }

    private Registered registerRemote(MemberFields f, Member.Builder draft) throws ChannelException {
        if (f.host() == null) {
            throw new InvalidRequest("host", "is required for member_type=remote");
        }
        if (f.username() == null) {
            throw new InvalidRequest("username", "is required for member_type=remote");
        }
        AuthType auth = f.authType() != null ? f.authType()
                : f.keyPath() != null ? AuthType.KEY
                : f.password() != null ? AuthType.PASSWORD : null;
        if (auth == null) {
            throw new InvalidRequest("auth_type", "is required for member_type=remote: 'key' with key_path, or 'password' with password");
        }
        if (auth == AuthType.PASSWORD && f.password() == null) {
            throw new InvalidRequest("password", "is required with auth_type=password");
        }
        if (auth == AuthType.KEY) {
            if (f.keyPath() == null) {
                throw new InvalidRequest("key_path", "is required with auth_type=key");
            }
            requireKeyFile("key_path", f.keyPath());
        }
        draft.host(f.host()).port(f.port()).username(f.username()).authType(auth)
                .keyPath(auth == AuthType.KEY ? localPaths.expand(f.keyPath()) : null)
                // For now: the key file is made only when the member is saved, after it has logged in.
                .encryptedPassword(auth == AuthType.PASSWORD ? secrets.sealForNow(f.password()) : null)
                .workFolder(f.workFolder());
        return connectAndFinish(draft, new ArrayList<>());
    }

    /**
     * A cloud member is a remote member with a cloud block. Its instance is read first: a
     * terminated one is refused, a running one gives its public IP (when host is not given) and is
     * checked like any remote member, a stopped one is registered without SSH checks.
     */
    private Registered registerCloud(MemberFields f, Member.Builder draft) throws ChannelException {
        MemberFields.CloudFields c = f.cloud();
        if (c.instanceId() == null) {
            throw new InvalidRequest("cloud_instance_id", "is required for a cloud member");
        }
        if (c.sshKeyPath() == null) {
            throw new InvalidRequest("cloud_ssh_key_path", "is required for a cloud member (it is also the member's SSH key)");
        }
        if (f.username() == null) {
            throw new InvalidRequest("username", "is required for a cloud member (e.g. ubuntu or ec2-user)");
        }
        if (f.authType() == AuthType.PASSWORD) {
            throw new InvalidRequest("auth_type", "must be key for a cloud member (cloud_ssh_key_path)");
        }
        String keyPath = requireKeyFile("cloud_ssh_key_path", c.sshKeyPath());
        CloudConfig cloud = new CloudConfig(c.provider() == null ? "aws" : c.provider(), c.instanceId(),
                c.region() == null ? CloudConfig.DEFAULT_REGION : c.region(), c.profile(),
                c.idleTimeoutMin() == null ? CloudConfig.DEFAULT_IDLE_TIMEOUT_MIN : c.idleTimeoutMin(), keyPath,
                c.activityCommand() == null || c.activityCommand().isEmpty() ? null : c.activityCommand(),
                c.budget(), c.gpuBusyMinUtil() == null ? 0 : c.gpuBusyMinUtil(), false, null);
        refuseTakenInstance(store.read(), null, cloud);
        draft.cloud(cloud);
        InstanceDetails instance;
        try {
            instance = lifecycle.describe(draft.build());
        } catch (CloudException e) {
            throw new RequestRefused("Cannot read instance " + cloud.instanceId() + ": " + e.getMessage() + ". The member was not registered.");
        }
        if (instance.state().isGone()) {
            throw new RequestRefused("Instance " + cloud.instanceId() + " is " + instance.state().label()
                    + "; a terminated instance cannot be used. The member was not registered.");
        }
        String host = f.host() != null ? f.host() : instance.publicIp();
        draft.host(host).port(f.port()).username(f.username()).authType(AuthType.KEY)
                .keyPath(f.keyPath() != null ? localPaths.expand(f.keyPath()) : keyPath)
                .workFolder(f.workFolder());
        if (instance.state() == InstanceState.RUNNING) {
            if (host == null) {
                throw new RequestRefused("Instance " + cloud.instanceId() + " is running but has no public IP; give host. "
                        + "The member was not registered.");
            }
            return connectAndFinish(draft, new ArrayList<>());
        }
        return saveUnchecked(draft, instance);
    }

    /** The key file, {@code ~} expanded; it must exist on this machine. */
    private String requireKeyFile(String parameter, String path) {
        String expanded = localPaths.expand(path);
        if (!Files.isRegularFile(Path.of(expanded))) {
            throw new InvalidRequest(parameter, "must name an existing private key file on this machine (" + Quoted.value(path) + " does not exist)");
        }
        return expanded;
    }

    /** A stopped (or starting/stopping) instance: saved as given; the first call on it starts and checks it. */
    private Registered saveUnchecked(Member.Builder draft, InstanceDetails instance) {
        Member member = draft.os(MemberOs.LINUX).createdAt(clock.instant()).lastUsed(clock.instant()).build();
        if (member.workFolder().startsWith("~")) {
            throw new InvalidRequest("work_folder", "must be absolute for a cloud member whose instance is not running "
                    + "(fleet cannot ask it for its home folder now)");
        }
        Member saved = store.update(current -> {
            refuseTakenName(current, member.friendlyName());
            refuseTakenInstance(current, null, member.cloud());
            return MemberIcons.withIcon(current, member);
        }, Registry::with);
        List<String> warnings = List.of("instance " + instance.instanceId() + " is " + instance.state().label()
                + ": registered without SSH checks (OS assumed linux); the first tool call on this member starts it, "
                + "then checks it");
        return new Registered(saved, -1, Optional.empty(), warnings);
    }

    /** A remote member is saved only once it has shown that it works (see {@link FirstContact}). */
    private Registered connectAndFinish(Member.Builder draft, List<String> warnings) throws ChannelException {
        try {
            FirstContact.Contacted c = firstContact.reach(draft);
            warnings.addAll(c.warnings());
            FreeFolder free = refuseDuplicateFolder(store.read(), null, c.member().deviceKey(), c.member().workFolder());
            requireFolder(c.member(), c.folderMade());
            return save(c.member(), c.latencyMs(), c.agent(), free, warnings);
        } catch (ChannelException e) {
            Member probe = draft.build();
            channels.release(probe);
            throw new RequestRefused("Cannot reach " + probe.username() + "@" + probe.host() + ":" + probe.port() + ": "
                    + e.getMessage() + ". The member was not registered.");
        } catch (RuntimeException e) {
            channels.release(draft.build());
            throw e;
        }
    }

    /**
     * A local member: its folder is on this machine, so it is created here, without a shell; the
     * agent CLI's version comes from a cache kept per binary (see {@link AgentVersions}).
     */
    private Registered finishLocal(Member draft, MemberChannel channel, FreeFolder free, List<String> warnings)
            throws ChannelException {
        Optional<String> agent = firstContact.agentVersion(channel, draft);
        try {
            Files.createDirectories(Path.of(draft.workFolder()));
        } catch (java.io.IOException | RuntimeException e) {
            throw new RequestRefused("Cannot create the work folder " + draft.workFolder() + ": " + e.getMessage()
                    + ". The member was not registered.");
        }
        return save(draft, 0, agent, free, warnings);
    }

    private static void requireFolder(Member draft, CommandResult mkdir) {
        if (!mkdir.succeeded()) {
            throw new RequestRefused("Cannot create the work folder " + draft.workFolder() + ": "
                    + mkdir.stderr().strip().lines().findFirst().orElse("exit " + mkdir.exitCode())
                    + ". The member was not registered.");
        }
    }

    /** {@code free}: the check of the member's folder made before it was reached; repeated under the lock unless it still holds. */
    private Registered save(Member draft, long latencyMs, Optional<String> agent, FreeFolder free, List<String> warnings) {
        Optional<ProviderAdapter> cli = MemberAgent.cli(draft);
        if (cli.isPresent() && agent.isEmpty()) {
            warnings.add(AgentCli.missingWarning(cli.get()));
        }
        Member member = draft.toBuilder().createdAt(clock.instant()).lastUsed(clock.instant()).build();
        Member saved = store.update(current -> {
            // Checked again under the lock: another fleet process may have registered meanwhile.
            refuseTakenName(current, member.friendlyName());
            if (!free.holdsFor(current)) {
                refuseDuplicateFolder(current, null, member.deviceKey(), member.workFolder());
            }
            refuseTakenInstance(current, null, member.cloud());
            // Sealed with the key file only now that every check has passed (see SecretBox#sealForNow).
            Member kept = member.toBuilder().encryptedPassword(secrets.kept(member.encryptedPassword())).build();
            return MemberIcons.withIcon(current, kept);
        }, Registry::with);
        if (saved.cloud() != null) {
            // The backstop for when no fleet server watches the instance.
            warnings.addAll(guard.install(saved).warnings());
        }
        return new Registered(saved, latencyMs, agent, warnings);
    }

    /**
     * Changes registration metadata; only the parameters given change, and nothing is tested or
     * created on the member. New connection details take effect on the next call.
     */
    public Updated update(MemberRef ref, MemberFields f) {
        Updated updated = store.update(registry -> {
            Member m = ref.resolve(registry);
            List<String> changed = new ArrayList<>();
            // Sealed for now, and with the key file only once every check has passed (below): a refused
            // update changes nothing, not even by making the key file of a fleet that stored no secret before.
            Member next = MemberChanges.apply(registry, m, f, f.password() == null ? null : secrets.sealForNow(f.password()),
                    changed, localPaths);
            if (changed.contains("work_folder") || changed.contains("host") || changed.contains("port")) {
                refuseDuplicateFolder(registry, m.id(), next.deviceKey(), next.workFolder());
            }
            refuseTakenInstance(registry, m.id(), next.cloud());
            next = next.toBuilder().encryptedPassword(secrets.kept(next.encryptedPassword())).build();
            return new Updated(next, changed, Optional.empty());
        }, (registry, u) -> u.changed().isEmpty() ? registry : registry.replacing(u.member().id(), old -> u.member()));
        // A connection opened with the old details must not serve the next call.
        channels.release(updated.member());
        return new Updated(updated.member(), updated.changed(), guardLearns(updated));
    }

    /** New idle settings of a cloud member reach the guard on its instance (now if it runs, else at its next start). */
    private Optional<String> guardLearns(Updated u) {
        if (u.member().cloud() == null || u.changed().stream().noneMatch(p -> p.equals("work_folder")
                || MemberFields.CloudFields.GUARD_SETTINGS.contains(p))) {
            return Optional.empty();
        }
        GuardReport g = guard.settingsChanged(u.member());
        return g.outcome() == GuardReport.Outcome.SKIPPED ? Optional.empty() : Optional.of(g.sentence());
    }

    /** Takes back what fleet deployed on the member (best effort), forgets it and ends its connection. */
    public Removed remove(MemberRef ref) {
        Member member = ref.resolve(store.read());
        List<String> warnings = cleanup.takeBack(member);
        // By its id, not by the name given: taking back can take seconds on a remote member, and
        // another client may rename it meanwhile (the name then names nothing, or a member
        // registered under it since, which would be removed in its place). The member whose
        // credentials were just taken back is the one forgotten.
        Member removed = store.update(registry -> registry.byId(member.id()).orElse(member),
                (registry, m) -> registry.byId(m.id()).isPresent() ? registry.without(m.id()) : registry);
        channels.release(removed);
        return new Removed(removed, warnings);
    }

    /**
     * Members registered without an icon (by an older version, or by hand) get one from the pool.
     * Takes no write lock when every member has one. An unreadable registry is left alone: every
     * tool that needs it reports the problem.
     */
    public void backfillIcons() {
        try {
            Registry current = store.read();
            if (MemberIcons.backfill(current) != current) {
                store.update(MemberIcons::backfill);
            }
        } catch (RuntimeException e) {
            log.warn("member icons not back-filled: {}", e.getMessage());
        }
    }

    private static void refuseTakenName(Registry registry, String name) {
        if (registry.byName(name).isPresent()) {
            throw new InvalidRequest("friendly_name", Quoted.value(name) + " is already taken by another member");
        }
    }

    /**
     * One member per cloud instance; {@code exceptId} is the member being updated. The idle
     * watcher judges an instance by its own member's work (its calls, its tagged commands, its
     * agents), so a second member on the same instance would have it stopped under the first's
     * running command, or the reverse.
     */
    static void refuseTakenInstance(Registry registry, String exceptId, CloudConfig cloud) {
        if (cloud == null) {
            return;
        }
        for (Member m : registry.members()) {
            CloudConfig other = m.cloud();
            if (other != null && !m.id().equals(exceptId) && other.provider().equals(cloud.provider())
                    && other.region().equals(cloud.region()) && other.instanceId().equals(cloud.instanceId())) {
                throw new InvalidRequest("cloud_instance_id", Quoted.value(cloud.instanceId()) + " is already the instance of member "
                        + m.friendlyName() + "; one member per cloud instance (the idle watcher judges an instance by its "
                        + "member's work, and would stop it under another member's); use that member, or remove it first");
            }
        }
    }

    /**
     * A folder found free of other members in {@code registry}. The check need not be made again
     * when the member is saved if the registry is still that one and the folder was compared as it
     * stood on disk: with a thousand local members it costs a thousand file reads, and a
     * registration would otherwise pay them twice. A folder that did not exist yet is checked again
     * once the registration has made it, since it may be made through a link into another member's
     * (missing) folder.
     */
    record FreeFolder(Registry registry, boolean settled) {
        boolean holdsFor(Registry current) {
            return settled && current == registry;
        }
    }

    /** One member per folder per machine; {@code exceptId} is the member being updated. */
    static FreeFolder refuseDuplicateFolder(Registry registry, String exceptId, String deviceKey, String folder) {
        // A folder on this machine is read once: each local member's folder then costs one look.
        // The members compared are those of the same device, so all local when the folder is.
        boolean local = deviceKey.equals(Member.LOCAL_DEVICE);
        LocalFolders.OnDisk onDisk = local ? LocalFolders.of(folder) : null;
        for (Member m : registry.members()) {
            if (m.id().equals(exceptId) || !m.deviceKey().equals(deviceKey)) {
                continue;
            }
            if (sameFolder(m.workFolder(), folder, m.osOrAssumed())) {
                throw new InvalidRequest("work_folder", Quoted.value(folder) + " is already the folder of member "
                        + m.friendlyName() + " on the same machine; one member per folder");
            }
            if (onDisk != null && onDisk.sameAs(m.workFolder())) {
                throw new InvalidRequest("work_folder", Quoted.value(folder) + " is the folder of member " + m.friendlyName()
                        + " (" + m.workFolder() + ") reached through a link; one member per folder");
            }
        }
        // A remote member's folder is compared as written; only a local one is compared on disk.
        return new FreeFolder(registry, !local || onDisk != null);
    }

    /** The same folder as the machine's OS reads paths: on Windows {@code C:\\Work} is {@code c:\\work\\}. */
    private static boolean sameFolder(String a, String b, MemberOs os) {
        if (os == MemberOs.WINDOWS) {
            return MemberPaths.isInside(a, b, os) && MemberPaths.isInside(b, a, os);
        }
        return posixFolder(a).equals(posixFolder(b));
    }

    /**
     * A POSIX folder as the file system reads its text: repeated slashes are one, a {@code .}
     * segment names the folder it is in, a trailing slash changes nothing. ({@code ..} cannot be
     * read from the text; work folders have none.)
     */
    static String posixFolder(String f) {
        if (!f.contains("//") && !f.contains("/.")) {
            // The usual folder, written plainly: no pattern to run (a registration compares every member's folder).
            return f.length() > 1 && (f.endsWith("/") || f.endsWith("\\")) ? f.substring(0, f.length() - 1) : f;
        }
        String s = f.replaceAll("/+", "/").replaceAll("(?:/\\.)+(?=/|$)", "");
        if (s.isEmpty()) {
            return "/";
        }
        return s.length() > 1 && (s.endsWith("/") || s.endsWith("\\")) ? s.substring(0, s.length() - 1) : s;
    }
}
