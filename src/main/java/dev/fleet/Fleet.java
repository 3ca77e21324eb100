package dev.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.ActivityProbe;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.Ec2Provider;
import dev.fleet.cloud.Pricing;
import dev.fleet.tools.CloudControl;
import dev.fleet.exec.Channels;
import dev.fleet.exec.LoginEnvironment;
import dev.fleet.exec.SpillFiles;
import dev.fleet.exec.ssh.SshPool;
import dev.fleet.exec.ssh.TofuHostKeys;
import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.DataDir;
import dev.fleet.member.RegistryCodec;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecretBox;
import dev.fleet.status.DetailService;
import dev.fleet.status.StatusService;
import dev.fleet.agentcli.PromptRunner;
import dev.fleet.tools.ExecuteCommand;
import dev.fleet.tasks.TaskId;
import dev.fleet.tasks.TaskLauncher;
import dev.fleet.tasks.TaskMonitor;
import dev.fleet.tools.MonitorTask;
import dev.fleet.tools.StopTask;
import dev.fleet.tools.ExecutePrompt;
import dev.fleet.tools.ProvisionAuth;
import dev.fleet.tools.UpdateClaude;
import dev.fleet.tools.FleetStatus;
import dev.fleet.tools.ListMembers;
import dev.fleet.tools.MemberDetail;
import dev.fleet.tools.MemberTarget;
import dev.fleet.tools.ReceiveFiles;
import dev.fleet.tools.RegisterMember;
import dev.fleet.tools.RemoveMember;
import dev.fleet.tools.ResetSession;
import dev.fleet.tools.SendFiles;
import dev.fleet.tools.SetupSshKey;
import dev.fleet.tools.ShutdownServer;
import dev.fleet.tools.Tool;
import dev.fleet.tools.ToolRunner;
import dev.fleet.tools.UpdateMember;
import dev.fleet.tools.BudgetNotes;
import dev.fleet.budget.MeteredProvider;
import dev.fleet.budget.SpendLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: builds every service once, with its dependencies passed in. Nothing
 * else in fleet creates services or holds global state.
 */
public final class Fleet implements AutoCloseable {
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SSH_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SSH_IDLE_CLOSE = Duration.ofMinutes(5);

    private final DataDir dataDir;
    private final ObjectMapper mapper;
    private final RegistryStore store;
    private final ActivityRecorder activity;
    private final Channels channels;
    private final ExecutorService workers;
    private final ToolRunner tools;
    private final CloudProviders cloudProviders;
    private final IdleWatcher idleWatcher;
    private final Duration idleInterval;
    private final CostSafety costSafety;

    public Fleet(Map<String, String> env, Clock clock, ShutdownServer.Stopper stopper) {
        this.dataDir = DataDir.fromEnvironment(env).ensureExists();
        this.mapper = new ObjectMapper();
        this.store = new RegistryStore(dataDir, new RegistryCodec(mapper));
        this.activity = new ActivityRecorder(store, clock);
        this.workers = Executors.newCachedThreadPool(daemonThreads("fleet-worker"));
        SecretBox secrets = new SecretBox(dataDir.saltFile(), SecretBox.localMachineIdentity());
        SshPool ssh = new SshPool(new TofuHostKeys(dataDir.knownHostsFile()), clock, SSH_CONNECT_TIMEOUT, SSH_IDLE_CLOSE);
        this.channels = new Channels(new LoginEnvironment(env), new SpillFiles(dataDir.outputDir(), clock), workers, ssh, secrets);
        MemberTarget target = new MemberTarget(store, activity);
        StatusService status = new StatusService(channels, workers, STATUS_TIMEOUT);
        DetailService details = new DetailService(channels, workers, STATUS_TIMEOUT);
        PromptRunner prompts = new PromptRunner(Duration.ofMillis(setting(env, "FLEET_OVERLOADED_RETRY_MS", 10_000)));
        java.nio.file.Path pmHome = java.nio.file.Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        Pricing pricing = new Pricing(dataDir.root().resolve("pricing.json"));
        // Every describe and stop is metered for the daily budgets, at no extra cloud call.
        SpendLedger ledger = new SpendLedger(dataDir.root(), clock);
        this.cloudProviders = new CloudProviders(() -> new MeteredProvider(new Ec2Provider(env), ledger, pricing));
        this.costSafety = new CostSafety(env, ledger, clock, channels, cloudProviders, store);
        CloudLifecycle lifecycle = new CloudLifecycle(cloudProviders, store, clock, cloudTiming(env), CloudLifecycle.Sleeper.REAL,
                costSafety.afterStart(new AfterCloudStart(channels, pmHome, clock)), costSafety.startGate());
        Duration taskActivity = Duration.ofSeconds(setting(env, "FLEET_TASK_ACTIVITY_SEC", 300));
        this.idleWatcher = new IdleWatcher(store, cloudProviders,
                new ActivityProbe(channels, Duration.ofMillis(setting(env, "FLEET_ACTIVITY_TIMEOUT_MS", 30_000)), taskActivity,
                        costSafety.gpuCheck()),
                activity, lifecycle, clock, 16, costSafety::idleTimeoutMin);
        this.idleInterval = Duration.ofSeconds(setting(env, "FLEET_IDLE_CHECK_SECONDS", 60));
        CloudStatus cloudStatus = new CloudStatus(cloudProviders, pricing, channels, clock, costSafety.findings());
        TaskMonitor tasks = new TaskMonitor(channels, taskActivity);
        List<Tool> all = List.of(
                new RegisterMember(store, channels, secrets, cloudProviders, clock, costSafety.guard),
                new ListMembers(store, clock),
                new UpdateMember(store, secrets, channels, costSafety.guard),
                new RemoveMember(store, channels, dataDir, costSafety.guard),
                new ExecuteCommand(target, channels, lifecycle, new TaskLauncher(channels, new TaskId.Generator(clock), taskActivity),
                        costSafety.resume),
                new MonitorTask(target, tasks, lifecycle, cloudProviders, channels, costSafety.gpu),
                new StopTask(target, tasks, lifecycle, cloudProviders),
                new ExecutePrompt(target, store, channels, prompts, lifecycle),
                new ProvisionAuth(target, channels, prompts, pmHome, clock),
                new UpdateClaude(target, store, channels, workers),
                new SendFiles(target, channels, lifecycle),
                new ReceiveFiles(target, channels, lifecycle),
                new FleetStatus(store, status, cloudStatus, workers, clock),
                new MemberDetail(target, details, cloudStatus, clock, costSafety.guard, costSafety.budgets),
                new CloudControl(target, lifecycle, cloudProviders, cloudStatus, channels, costSafety.guard),
                new ResetSession(store),
                new SetupSshKey(target, store, channels, dataDir),
                new ShutdownServer(stopper));
        this.tools = new ToolRunner(all, new BudgetNotes(store, costSafety.budgets));
    }

    /** A whole-number setting from the environment (milliseconds, mostly); bad values fall back to the default. */
    static long setting(Map<String, String> env, String name, long fallback) {
        try {
            return Long.parseLong(env.getOrDefault(name, String.valueOf(fallback)).strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Cloud waits; FLEET_CLOUD_POLL_MS shortens the first poll (tests, fast private clouds). */
    private static CloudLifecycle.Timing cloudTiming(Map<String, String> env) {
        CloudLifecycle.Timing t = CloudLifecycle.Timing.standard();
        long poll = setting(env, "FLEET_CLOUD_POLL_MS", t.firstPoll().toMillis());
        long wait = setting(env, "FLEET_CLOUD_WAIT_MS", t.stateWait().toMillis());
        return new CloudLifecycle.Timing(t.confirmedFor(), Duration.ofMillis(wait),
                Duration.ofMillis(setting(env, "FLEET_SSH_WAIT_MS", t.sshWait().toMillis())),
                Duration.ofMillis(poll), Duration.ofMillis(Math.max(poll, Math.min(t.maxPoll().toMillis(), poll * 10))));
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
        costSafety.start(idleInterval);
    }

    /** Keeps budgets current and the guards' idle timeouts in step with them (the server runs it every cycle). */
    public dev.fleet.budget.BudgetWatcher budgetWatcher() {
        return costSafety.budgetWatcher;
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
        costSafety.close();
        activity.close();
        channels.close();
        cloudProviders.close();
        workers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
