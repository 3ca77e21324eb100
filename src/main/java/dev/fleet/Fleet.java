package dev.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.agentcli.AgentCli;
import dev.fleet.agentcli.AgentLogin;
import dev.fleet.agentcli.AgentUpdates;
import dev.fleet.agentcli.AgentVersions;
import dev.fleet.agentcli.PricingTable;
import dev.fleet.agentcli.PromptRunner;
import dev.fleet.agentcli.PromptStopper;
import dev.fleet.agentcli.PromptSupervisor;
import dev.fleet.agentcli.Prompts;
import dev.fleet.agentcli.RunningPrompts;
import dev.fleet.base.Background;
import dev.fleet.base.ClassDataArchive;
import dev.fleet.base.Failures;
import dev.fleet.base.Sleeper;
import dev.fleet.budget.BudgetWatcher;
import dev.fleet.budget.Budgets;
import dev.fleet.budget.MeteredProvider;
import dev.fleet.budget.SpendLedger;
import dev.fleet.cloud.AwsRuntime;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudGate;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.IdleStop;
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
import dev.fleet.guard.GuardService;
import dev.fleet.guard.GuardSettings;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.DataDir;
import dev.fleet.member.IdleMemoryTrim;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.member.StoredSecrets;
import dev.fleet.member.WorkLedger;
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
import dev.fleet.security.SecretsOnMembers;
import dev.fleet.settings.Settings;
import dev.fleet.status.FleetProbe;
import dev.fleet.statusline.StatuslineService;
import dev.fleet.tasks.TaskControl;
import dev.fleet.tasks.TaskId;
import dev.fleet.tasks.TaskLauncher;
import dev.fleet.tasks.TaskMonitor;
import dev.fleet.tasks.TaskResume;
import dev.fleet.tools.BudgetNotes;
import dev.fleet.tools.CloudControl;
import dev.fleet.tools.ComposePermissions;
import dev.fleet.tools.MemberSecrets;
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
import dev.fleet.tools.StopPrompt;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** fleet_status answers within this, cloud and machines together (its description promises it). */
    private static final Duration STATUS_DEADLINE = Duration.ofSeconds(10);
    private static final Duration SSH_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SSH_IDLE_CLOSE = Duration.ofMinutes(5);
    /** After this long with no call, memory a burst of work grew is handed back; checked this often. */
    private static final Duration MEMORY_TRIM_QUIET = Duration.ofSeconds(10);
    private static final Duration MEMORY_TRIM_CHECK = Duration.ofSeconds(5);
    private static final int PARALLEL_IDLE_CHECKS = 16;
    private static final Duration GIT_HOSTING_API_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The launcher marks the run that records a server's or daemon's class-data archive (the first
     * after a build). When that run readies SSH (its registry holds remote members), it waits for
     * the warm-up before it ends, so the archive holds MINA's classes even if the run was short,
     * and a later first call to a member maps them instead of loading them: 510 against 870 ms for
     * a first call right after start here. A fleet of local members only records none of them,
     * and keeps its smaller archive (a start about 18 ms sooner, 6 MB less memory).
     */
    private static final boolean RECORDING_CLASS_DATA = Boolean.getBoolean(ClassDataArchive.RECORDING);
    private static final Duration RECORDING_WARM_UP_WAIT = Duration.ofSeconds(20);

    private final DataDir dataDir;
    private final ObjectMapper mapper;
    private final ActivityRecorder activity;
    private final Channels channels;
    private final ExecutorService workers;
    private volatile Future<?> sshWarmUp;
    private final ToolRunner tools;
    private final CloudProviders cloudProviders;
    private final IdleWatcher idleWatcher;
    private final SpendLedger ledger;
    private final BudgetWatcher budgetWatcher;
    private final Duration idleInterval;
    /** {@code FLEET_TRANSFER_WARM_UP}: whether a long-lived server warms its transfer path after connections. */
    private final boolean transferWarmUp;
    private final StatuslineService statusline;
    private final IdleMemoryTrim memoryTrim;
    private final SshPool ssh;
    private final RegistryStore store;
    /** Started with the idle watcher: only a long-lived server hands memory back. */
    private volatile ScheduledExecutorService trimChecks;

    /** Reads the settings from {@code env} (a process environment). */
    public Fleet(Map<String, String> env, Clock clock, ShutdownServer.Stopper stopper) {
        this(Settings.from(env), clock, Sleeper.REAL, stopper);
    }

    public Fleet(Settings settings, Clock clock, Sleeper sleeper, ShutdownServer.Stopper stopper) {
        settings.problems().forEach(p -> log.warn("setting ignored: {}", p));
        this.dataDir = new DataDir(settings.dataDir()).ensureExists();
        this.mapper = new ObjectMapper();
        this.workers = Executors.newCachedThreadPool(Background.threads("fleet-worker"));
        LocalPaths localPaths = new LocalPaths(settings.home());
        RegistryStore store = new RegistryStore(dataDir, new RegistryCodec(mapper));
        this.store = store;
        this.activity = new ActivityRecorder(store, clock);
        WorkLedger work = new WorkLedger(clock, activity);
        this.memoryTrim = new IdleMemoryTrim(work, clock, MEMORY_TRIM_QUIET, System::gc);
        SecretBox secrets = new SecretBox(dataDir.saltFile());
        StoredSecrets stored = new StoredSecrets(secrets, store);
        SpillFiles spills = new SpillFiles(dataDir.outputDir(), clock);

        // The member boundary: how each member is reached.
        this.ssh = new SshPool(new TofuHostKeys(dataDir.knownHostsFile()), clock, SSH_CONNECT_TIMEOUT, SSH_IDLE_CLOSE);
        ssh.streamUploads(settings.uploadStream());
        this.channels = new Channels(
                new LocalChannel(OsCommands.forOs(MemberOs.current()), new LoginEnvironment(settings.environment(), settings.home()),
                        spills, workers),
                new SshChannels(ssh, stored, spills, localPaths));

        // Git credentials on members: needed after a cloud start, before work, and when a member is removed.
        SecretsOnMembers deployedSecrets = new SecretsOnMembers();
        VcsAuthService vcs = new VcsAuthService(store, channels, new GitAppStore(dataDir, mapper),
                new VcsSettings(settings.githubApi(), settings.githubHost(), settings.bitbucketApi(), settings.bitbucketHost(),
                        settings.azureDevOpsApi(), GIT_HOSTING_API_TIMEOUT),
                localPaths, mapper, clock, deployedSecrets);
        this.statusline = new StatuslineService(dataDir, store, mapper);

        // Prompts on members' agent CLIs, and their logins (put back after a cloud start too).
        RunningPrompts running = new RunningPrompts();
        PromptRunner prompter = new PromptRunner(new PromptSupervisor(running, workers, clock),
                new PricingTable(dataDir.root().resolve(PricingTable.OVERRIDE_FILE)), stored, settings.overloadedRetry(), clock, sleeper);
        AgentLogin login = new AgentLogin(channels, store, secrets, prompter, settings.home(), clock, deployedSecrets);

        // Cloud instances: start, stop, idle stop. Every describe and stop is metered for the daily
        // budgets (at no extra cloud call); a member over budget is not started by fleet itself and
        // has a shorter idle timeout, which the idle watcher, the GPU policy and the guard all apply.
        Pricing pricing = new Pricing(dataDir.pricingFile());
        this.ledger = new SpendLedger(dataDir.root(), clock);
        this.cloudProviders = new CloudProviders(() -> new MeteredProvider(
                AwsRuntime.sdk().ec2(settings.ec2Endpoint(), settings.environment()), ledger, pricing));
        Budgets budgets = new Budgets(ledger, settings.budgetUsdPerDay(), (int) settings.budgetIdleTimeout().toMinutes(), clock);
        GuardService guard = new GuardService(channels, cloudProviders, store, new GuardSettings(settings.guard(),
                settings.guardAllowLoopback(), (int) settings.guardGrace().toMinutes()),
                budgets::idleTimeoutMin);
        GpuProbe gpu = new GpuProbe(channels, budgets::idleTimeoutMin);
        CloudLifecycle lifecycle = new CloudLifecycle(cloudProviders, store, clock,
                CloudLifecycle.Timing.of(settings.cloudStateWait(), settings.sshWait(), settings.cloudFirstPoll()), sleeper,
                new AfterCloudStart(channels, login, vcs, guard, new TaskResume(channels)), channels,
                work, budgets::gateStart);
        CloudGate gate = new CloudGate(lifecycle, activity, store);
        TaskMonitor taskMonitor = new TaskMonitor(channels, settings.taskActivity());
        ActivityProbe activityProbe = new ActivityProbe(channels, settings.activityTimeout(), taskMonitor.asProbeStep(), gpu,
                budgets::idleTimeoutMin, clock);
        // The one place fleet decides on its own to stop an instance: the idle watcher and auto_stop.
        IdleStop idleStop = new IdleStop(work, activityProbe, activity, store, lifecycle, clock);
        this.idleWatcher = new IdleWatcher(store, idleStop, lifecycle, clock, PARALLEL_IDLE_CHECKS, budgets::idleTimeoutMin);
        // A budget crossed (or a new day) changes the idle timeout in force: the guard on the instance learns it.
        this.budgetWatcher = new BudgetWatcher(store, lifecycle, budgets,
                m -> log.info("{}: {}", m.friendlyName(), guard.settingsChanged(m).sentence()));
        this.idleInterval = settings.idleCheckInterval();
        this.transferWarmUp = settings.transferWarmUp();

        // The services the tools call.
        Registrar registrar = new Registrar(store, channels, secrets, lifecycle, localPaths,
                new MemberCleanup(store, channels, dataDir, vcs, guard, settings.home()), guard, clock, new AgentVersions(), workers);
        registrar.backfillIcons();
        FleetProbe fleetProbe = new FleetProbe(store, new StatusService(channels, workers, MACHINE_PROBE_TIMEOUT),
                new DetailService(channels, workers, MACHINE_PROBE_TIMEOUT, AgentCli::checks),
                new CloudStatus(lifecycle, pricing, clock), gpu, budgets, guard, workers, STATUS_DEADLINE, idleWatcher::inDoubt);
        Prompts prompts = new Prompts(gate, channels, prompter, store, vcs);
        TaskControl tasks = new TaskControl(taskMonitor, lifecycle, gate, gpu, idleStop);
        FileTransfers transfers = new FileTransfers(gate, channels, localPaths, clock);
        Commands commands = new Commands(gate, channels,
                new TaskLauncher(channels, new TaskId.Generator(clock), settings.taskActivity()), new TaskResume(channels),
                localPaths, vcs);

        MemberTarget target = new MemberTarget(store, activity, work);
        List<Tool> all = List.of(
                new RegisterMember(registrar),
                new ListMembers(store, clock),
                new UpdateMember(registrar),
                new RemoveMember(registrar),
                new ExecuteCommand(target, commands),
                new MonitorTask(target, tasks),
                new StopTask(target, tasks),
                new ExecutePrompt(target, prompts),
                new StopPrompt(target, new PromptStopper(running, channels)),
                new ProvisionAuth(target, login),
                new UpdateClaude(target, new AgentUpdates(channels, store, workers)),
                new SendFiles(target, transfers),
                new ReceiveFiles(target, transfers),
                new FleetStatus(fleetProbe, clock),
                new MemberDetail(target, fleetProbe, clock),
                new CloudControl(target, gate, fleetProbe, guard, tasks),
                new ResetSession(prompts),
                new SetupSshKey(target, new SshKeySetup(store, channels, dataDir)),
                new ShutdownServer(stopper),
                new SetupGitApp(vcs),
                new ProvisionVcsAuth(target, vcs),
                new RevokeVcsAuth(target, vcs),
                new ComposePermissions(target, new PermissionComposer(gate, channels,
                        new ProfileLibrary(dataDir.root().resolve("permission-profiles"), mapper), localPaths, mapper, clock)));
        // The statusline follows the calls that change what it shows, without those tools knowing.
        // The original's later releases named these two for any agent CLI; both names call the same tool.
        this.tools = new ToolRunner(StatuslineTracking.wrap(all, statusline, store),
                Map.of("provision_llm_auth", "provision_auth", "update_llm_cli", "update_claude"), new BudgetNotes(store, budgets),
                new MemberSecrets(store, secrets, deployedSecrets));
    }

    public ToolRunner tools() {
        return tools;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Starts what only a long-lived server runs (the MCP server and the daemon call this; one-shot
     * commands do not): the idle auto-stop of cloud members, the budget watch, SSH readied in the
     * background, the transfer warm-ups after connections (unless switched off), and memory handed
     * back after work.
     */
    public void startIdleWatcher() {
        idleWatcher.start(idleInterval);
        budgetWatcher.start(idleInterval);
        prepareWhatTheRegistryUses();
        if (transferWarmUp) {
            ssh.warmTransfersAfterConnections();
        }
        // A long-lived server also hands memory back after work (one-shot commands end instead).
        trimChecks = Background.repeat("fleet-memory-trim", MEMORY_TRIM_CHECK, memoryTrim::check,
                e -> log.warn("returning memory after work failed: {}", Failures.shown(e)));
    }

    /**
     * When the registry holds members reached over SSH, the SSH machinery is readied in the
     * background (no connection is made), so the first call to one of them does not also pay for
     * a JVM that has never done SSH. A fleet of local members only never loads it. Likewise the
     * AWS SDK when a member is a cloud instance: it is loaded from its own jars, outside the
     * class-data archive (see {@link dev.fleet.cloud.AwsRuntime}), and its client is built (no
     * request is sent), which took a first cloud call about half a second more on a slow host.
     */
    private void prepareWhatTheRegistryUses() {
        List<Member> members;
        try {
            members = store.read().members();
        } catch (RuntimeException e) {
            return; // an unreadable registry is reported by the calls that need it
        }
        if (members.stream().anyMatch(m -> !m.isLocal())) {
            sshWarmUp = workers.submit(() -> inBackground(ssh::prepare));
        }
        members.stream().filter(m -> m.cloud() != null).findFirst()
                .ifPresent(m -> workers.submit(() -> inBackground(() -> prepareCloud(m))));
    }

    private void prepareCloud(Member m) {
        try {
            cloudProviders.prepare(m.cloud());
        } catch (CloudException | RuntimeException e) {
            // The first cloud call meets the same fault and reports it to whoever made it.
            log.debug("readying the cloud client failed: {}", Failures.shown(e));
        }
    }

    /** Runs {@code work} at the lowest priority: a warm-up must not hold back the calls being served. */
    private static void inBackground(Runnable work) {
        Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
        try {
            work.run();
        } finally {
            Thread.currentThread().setPriority(Thread.NORM_PRIORITY);
        }
    }

    /** A recording run ends only once the SSH warm-up has loaded its classes (or after a bounded wait). */
    private void awaitSshWarmUpWhenRecording() {
        Future<?> warmUp = sshWarmUp;
        if (!RECORDING_CLASS_DATA || warmUp == null) {
            return;
        }
        try {
            warmUp.get(RECORDING_WARM_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the archive holds what was loaded so far
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public IdleWatcher idleWatcher() {
        return idleWatcher;
    }

    /** Keeps budgets current and the guards' idle timeouts in step with them (the server runs it every cycle). */
    public BudgetWatcher budgetWatcher() {
        return budgetWatcher;
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
        awaitSshWarmUpWhenRecording();
        if (trimChecks != null) {
            trimChecks.shutdownNow();
        }
        idleWatcher.close();
        budgetWatcher.close();
        ledger.flush();
        statusline.close();
        activity.close();
        channels.close();
        cloudProviders.close();
        workers.shutdownNow();
    }
}
