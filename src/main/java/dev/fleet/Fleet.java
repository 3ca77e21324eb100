package dev.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.agentcli.AgentLogin;
import dev.fleet.agentcli.AgentUpdates;
import dev.fleet.agentcli.AgentVersions;
import dev.fleet.agentcli.PromptRunner;
import dev.fleet.agentcli.Prompts;
import dev.fleet.base.Sleeper;
import dev.fleet.cloud.CloudGate;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.Ec2Provider;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.cloud.Pricing;
import dev.fleet.commands.Commands;
import dev.fleet.exec.Channels;
import dev.fleet.exec.LocalChannel;
import dev.fleet.exec.LoginEnvironment;
import dev.fleet.exec.SpillFiles;
import dev.fleet.exec.ssh.SshChannels;
import dev.fleet.exec.ssh.SshPool;
import dev.fleet.exec.ssh.TofuHostKeys;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.DataDir;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.MemberOs;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.os.OsCommands;
import dev.fleet.permissions.PermissionComposer;
import dev.fleet.permissions.ProfileLibrary;
import dev.fleet.probe.ActivityProbe;
import dev.fleet.probe.DetailService;
import dev.fleet.probe.GpuProbe;
import dev.fleet.probe.StatusService;
import dev.fleet.registration.AfterCloudStart;
import dev.fleet.registration.MemberCleanup;
import dev.fleet.registration.Registrar;
import dev.fleet.registration.SshKeySetup;
import dev.fleet.security.SecretBox;
import dev.fleet.settings.Settings;
import dev.fleet.status.FleetProbe;
import dev.fleet.statusline.StatuslineService;
import dev.fleet.tasks.TaskControl;
import dev.fleet.tasks.TaskId;
import dev.fleet.tasks.TaskLauncher;
import dev.fleet.tasks.TaskMonitor;
import dev.fleet.tools.CloudControl;
import dev.fleet.tools.ComposePermissions;
import dev.fleet.tools.ExecuteCommand;
import dev.fleet.tools.ExecutePrompt;
import dev.fleet.tools.FleetStatus;
import dev.fleet.tools.ListMembers;
import dev.fleet.tools.MemberDetail;
import dev.fleet.tools.MemberTarget;
import dev.fleet.tools.MonitorTask;
import dev.fleet.tools.ProvisionAuth;
import dev.fleet.tools.ProvisionVcsAuth;
import dev.fleet.tools.ReceiveFiles;
import dev.fleet.tools.RegisterMember;
import dev.fleet.tools.RemoveMember;
import dev.fleet.tools.ResetSession;
import dev.fleet.tools.RevokeVcsAuth;
import dev.fleet.tools.SendFiles;
import dev.fleet.tools.SetupGitApp;
import dev.fleet.tools.SetupSshKey;
import dev.fleet.tools.ShutdownServer;
import dev.fleet.tools.StatuslineTracking;
import dev.fleet.tools.StopTask;
import dev.fleet.tools.Tool;
import dev.fleet.tools.ToolRunner;
import dev.fleet.tools.UpdateClaude;
import dev.fleet.tools.UpdateMember;
import dev.fleet.transfer.FileTransfers;
import dev.fleet.vcs.GitAppStore;
import dev.fleet.vcs.VcsAuthService;
import dev.fleet.vcs.VcsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every service once, with its dependencies passed in, and the tools
 * over them. Nothing else in fleet creates services or holds global state. Creating services is
 * cheap: what is slow to set up (the SSH client, the AWS SDK, the login environment, the secret
 * key) is set up on first use, so {@code fleet serve} answers quickly.
 */
public final class Fleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    private static final Duration MACHINE_PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOUD_ANSWER_DEADLINE = Duration.ofSeconds(60);
    private static final Duration SSH_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SSH_IDLE_CLOSE = Duration.ofMinutes(5);
    private static final int PARALLEL_IDLE_CHECKS = 16;
    private static final Duration GIT_HOSTING_API_TIMEOUT = Duration.ofSeconds(30);

    private final DataDir dataDir;
    private final ObjectMapper mapper;
    private final ActivityRecorder activity;
    private final Channels channels;
    private final ExecutorService workers;
    private final ToolRunner tools;
    private final CloudProviders cloudProviders;
    private final IdleWatcher idleWatcher;
    private final Duration idleInterval;
    private final StatuslineService statusline;

    /** Reads the settings from {@code env} (a process environment). */
    public Fleet(Map<String, String> env, Clock clock, ShutdownServer.Stopper stopper) {
        this(Settings.from(env), clock, Sleeper.REAL, stopper);
    }

    public Fleet(Settings settings, Clock clock, Sleeper sleeper, ShutdownServer.Stopper stopper) {
        settings.problems().forEach(p -> log.warn("setting ignored: {}", p));
        this.dataDir = new DataDir(settings.dataDir()).ensureExists();
        this.mapper = new ObjectMapper();
        this.workers = Executors.newCachedThreadPool(daemonThreads("fleet-worker"));
        LocalPaths localPaths = new LocalPaths(settings.home());
        RegistryStore store = new RegistryStore(dataDir, new RegistryCodec(mapper));
        this.activity = new ActivityRecorder(store, clock);
        SecretBox secrets = new SecretBox(dataDir.saltFile(), SecretBox.localMachineIdentity());
        SpillFiles spills = new SpillFiles(dataDir.outputDir(), clock);

        // The member boundary: how each member is reached.
        SshPool ssh = new SshPool(new TofuHostKeys(dataDir.knownHostsFile()), clock, SSH_CONNECT_TIMEOUT, SSH_IDLE_CLOSE);
        this.channels = new Channels(
                new LocalChannel(OsCommands.forOs(MemberOs.current()), new LoginEnvironment(settings.environment(), settings.home()),
                        spills, workers),
                new SshChannels(ssh, secrets, spills, localPaths));

        // Git credentials on members: needed after a cloud start, before work, and when a member is removed.
        VcsAuthService vcs = new VcsAuthService(store, channels, new GitAppStore(dataDir, mapper),
                new VcsSettings(settings.githubApi(), settings.githubHost(), settings.bitbucketApi(), settings.bitbucketHost(),
                        settings.azureDevOpsApi(), GIT_HOSTING_API_TIMEOUT),
                localPaths, mapper, clock);
        this.statusline = new StatuslineService(dataDir, store, mapper);

        // Cloud instances: start, stop, idle stop.
        this.cloudProviders = new CloudProviders(() -> new Ec2Provider(settings.ec2Endpoint(), settings.environment()));
        CloudLifecycle lifecycle = new CloudLifecycle(cloudProviders, store, clock,
                CloudLifecycle.Timing.of(settings.cloudStateWait(), settings.sshWait(), settings.cloudFirstPoll()), sleeper,
                new AfterCloudStart(channels, settings.home(), clock, vcs), channels, CloudLifecycle.WorkInFlight.NONE);
        CloudGate gate = new CloudGate(lifecycle);
        this.idleWatcher = new IdleWatcher(store,
                new ActivityProbe(channels, settings.activityTimeout(), settings.taskActivity()),
                activity, lifecycle, clock, PARALLEL_IDLE_CHECKS);
        this.idleInterval = settings.idleCheckInterval();

        // The services the tools call.
        Registrar registrar = new Registrar(store, channels, secrets, lifecycle, localPaths,
                new MemberCleanup(store, channels, dataDir, vcs), clock, new AgentVersions(), workers);
        registrar.backfillIcons();
        FleetProbe fleetProbe = new FleetProbe(store, new StatusService(channels, workers, MACHINE_PROBE_TIMEOUT),
                new DetailService(channels, workers, MACHINE_PROBE_TIMEOUT),
                new CloudStatus(lifecycle, new Pricing(dataDir.pricingFile()), clock), new GpuProbe(channels), workers,
                CLOUD_ANSWER_DEADLINE);
        PromptRunner prompter = new PromptRunner(settings.overloadedRetry(), sleeper);
        Prompts prompts = new Prompts(gate, channels, prompter, store, vcs);
        TaskControl tasks = new TaskControl(new TaskMonitor(channels, settings.taskActivity()), lifecycle, gate);
        FileTransfers transfers = new FileTransfers(gate, channels, localPaths);
        Commands commands = new Commands(gate, channels,
                new TaskLauncher(channels, new TaskId.Generator(clock), settings.taskActivity()), localPaths, vcs);

        MemberTarget target = new MemberTarget(store, activity);
        List<Tool> all = List.of(
                new RegisterMember(registrar),
                new ListMembers(store, clock),
                new UpdateMember(registrar),
                new RemoveMember(registrar),
                new ExecuteCommand(target, commands),
                new MonitorTask(target, tasks),
                new StopTask(target, tasks),
                new ExecutePrompt(target, prompts),
                new ProvisionAuth(target, new AgentLogin(channels, prompter, settings.home(), clock)),
                new UpdateClaude(target, new AgentUpdates(channels, store, workers)),
                new SendFiles(target, transfers),
                new ReceiveFiles(target, transfers),
                new FleetStatus(fleetProbe, clock),
                new MemberDetail(target, fleetProbe, clock),
                new CloudControl(target, lifecycle, fleetProbe),
                new ResetSession(prompts),
                new SetupSshKey(target, new SshKeySetup(store, channels, dataDir)),
                new ShutdownServer(stopper),
                new SetupGitApp(vcs),
                new ProvisionVcsAuth(target, vcs),
                new RevokeVcsAuth(target, vcs),
                new ComposePermissions(target, new PermissionComposer(gate, channels,
                        new ProfileLibrary(dataDir.root().resolve("permission-profiles"), mapper), localPaths, mapper, clock)));
        // The statusline follows the calls that change what it shows, without those tools knowing.
        this.tools = new ToolRunner(StatuslineTracking.wrap(all, statusline, store));
    }

    public ToolRunner tools() {
        return tools;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Starts the idle auto-stop of cloud members (the MCP server does; one-shot commands do not). */
    public void startIdleWatcher() {
        idleWatcher.start(idleInterval);
    }

    public IdleWatcher idleWatcher() {
        return idleWatcher;
    }

    public Channels channels() {
        return channels;
    }

    public DataDir dataDir() {
        return dataDir;
    }

    /** Records pending activity and releases connections; safe to call more than once. */
    @Override
    public void close() {
        idleWatcher.close();
        statusline.close();
        activity.close();
        channels.close();
        cloudProviders.close();
        workers.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
