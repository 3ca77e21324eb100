package dev.fleet.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.RunTag;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.security.ShellQuote;
import dev.fleet.testing.GpuHolderProcesses;
import dev.fleet.testing.GpuScenarios;
import dev.fleet.testing.GuardFakes;
import dev.fleet.testing.LoginScope;
import dev.fleet.testing.SftpServerProcesses;
import dev.fleet.testing.TitledJobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real guard script, installed by the real installer and run by bash on this machine, with a
 * fake nvidia-smi, a clock read from a file and a power-off command that only records. The
 * machine's own boot time is real, so the fake clock runs ahead of the real one.
 * {@link GuardScriptOverSshTest} runs the same through the in-process SSH server.
 */
class GuardScriptTest {
    @TempDir
    Path tmp;
    Path home;
    Path work;
    Path guard;
    GuardFakes fakes;
    long base;
    final List<Process> started = new ArrayList<>();
    final GpuHolderProcesses holders = new GpuHolderProcesses();

    @BeforeEach
    void install() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        // Registered through a link (processes show their folder resolved): the guard must match either.
        work = Files.createSymbolicLink(home.resolve("work"), Files.createDirectories(home.resolve("projects/work")));
        fakes = GuardFakes.install(home);
        guard = fakes.guardFolder();
        base = Instant.now().getEpochSecond();
        String out = bash(GuardScripts.installer(new GuardScripts.Config("trainer", work.toString(), 30, 10, 0, null)), Map.of());
        assertThat(out).contains("@@guard:version=" + GuardScripts.VERSION, "@@guard:scheduler=cron", "@@guard:poweroff=custom");
        heartbeatAt(base);
    }

    @AfterEach
    void endProcesses() throws Exception {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
        holders.close();
    }

    /** Runs a bash script as the member's user, with its HOME and the given extra variables; returns its output. */
    protected String bash(String stdin, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-s").redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** One decision at {@code minutes} after the heartbeat; returns the decision line. */
    private String decideAt(long minutes) throws Exception {
        fakes.now(base + minutes * 60);
        String out = bash("exec bash \"$HOME/.fleet/guard/run-once\"\n", Map.of());
        List<String> lines = out.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private void heartbeatAt(long epoch) throws IOException {
        Files.setLastModifiedTime(guard.resolve("heartbeat"), FileTime.fromMillis(epoch * 1000));
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    @Test
    void idlePastTimeoutPlusGracePowersOffOnceAndNeverTwice() throws Exception {
        assertThat(decideAt(39)).contains("keep idle for 39 min of 40");
        assertThat(fakes.powerOffs()).isEmpty();

        String off = decideAt(41);
        assertThat(off).contains("poweroff idle for 41 min (timeout 30 + grace 10 min)", "no GPU tool");
        assertThat(fakes.powerOffs()).containsExactly("powered-off");

        assertThat(decideAt(42)).contains("wait power-off already issued");
        assertThat(decideAt(60)).contains("wait");
        assertThat(fakes.powerOffs()).hasSize(1);
        assertThat(Files.readAllLines(guard.resolve("decisions.log"))).hasSize(4)
                .anySatisfy(l -> assertThat(l).contains(" poweroff "));
    }

    /**
     * Run as another user than the one it belongs to (through sudo, say), the guard would see that
     * user's home, tasks and processes, none of the work: it refuses and decides nothing. Here the
     * guard's folder is given to another user (which only root may do).
     */
    @Test
    void runAsAnotherUserTheGuardRefusesAndDecidesNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give the guard's folder to another user (CI runs as root)");
        fakes.now(base + 50 * 60); // idle past timeout and grace: a guard that ran would power off
        Path log = guard.resolve("decisions.log");
        String before = Files.exists(log) ? Files.readString(log) : "";
        Files.setAttribute(guard, "unix:uid", 65534);
        try {
            String out = bash("bash \"$HOME/.fleet/guard/run-once\"; echo \"exit=$?\"\n", Map.of());
            assertThat(out).contains("fleet guard: run it as the user it belongs to (uid 65534)", "exit=77");
            assertThat(fakes.powerOffs()).isEmpty();
            assertThat(Files.exists(log) ? Files.readString(log) : "").isEqualTo(before);
        } finally {
            Files.setAttribute(guard, "unix:uid", 0);
        }
    }

    @Test
    void aFreshHeartbeatKeepsTheMachineUp() throws Exception {
        heartbeatAt(base + 55 * 60);
        assertThat(decideAt(60)).contains("keep idle for 5 min of 40");
        assertThat(fakes.powerOffs()).isEmpty();
    }

    @Test
    void theTimeoutFileIsWhatCounts() throws Exception {
        Files.writeString(guard.resolve("timeout-min"), "90\n");
        assertThat(decideAt(60)).contains("keep idle for 60 min of 100");
        assertThat(fakes.powerOffs()).isEmpty();
    }

    @Test
    void eachSignOfWorkKeepsTheMachineUp() throws Exception {
        // A GPU compute process.
        fakes.gpu(87, "4242, 19000");
        assertThat(decideAt(50)).contains("keep busy: 1 GPU compute process");
        fakes.gpuTool(false);
        notBusyBefore();

        // The member's activity command.
        Files.writeString(guard.resolve("activity-command"), "echo BUSY\n");
        assertThat(decideAt(50)).contains("keep busy: activity command says busy");
        Files.writeString(guard.resolve("activity-command"), "echo idle\n");
        notBusyBefore();

        // A live fleet task (its wrapper runs) and one whose marker is fresh (its wrapper died, its command did not).
        Path task = Files.createDirectories(home.resolve(".fleet-tasks/task-live0001"));
        Files.writeString(task.resolve("run.sh"), "sleep 60\n");
        Process wrapper = start(new ProcessBuilder("bash", task.resolve("run.sh").toString()));
        Files.writeString(task.resolve("task.pid"), wrapper.pid() + "\n");
        assertThat(decideAt(50)).contains("keep busy: 1 live fleet task");
        wrapper.destroyForcibly().waitFor();
        notBusyBefore();
        Files.writeString(task.resolve("status.json"), "{\"taskId\":\"task-live0001\",\"status\":\"running\"}\n");
        Files.writeString(task.resolve("activity"), (base + 50 * 60 - 120) + " 300\n");
        assertThat(decideAt(50)).contains("keep busy: 1 live fleet task");
        Files.writeString(task.resolve("status.json"), "{\"taskId\":\"task-live0001\",\"status\":\"completed\"}\n");
        notBusyBefore();

        // A command fleet started that still runs (tagged FLEET_RUN_ID in this user's HOME).
        ProcessBuilder tagged = new ProcessBuilder("sleep", "60");
        tagged.environment().put("HOME", home.toString());
        tagged.environment().put("FLEET_RUN_ID", "0123456789abcdef");
        Process command = start(tagged);
        assertThat(decideAt(50)).contains("keep busy: 1 process(es) of fleet commands still running");
        // ...but not the fleet command that runs the guard itself.
        assertThat(bash("exec bash \"$HOME/.fleet/guard/run-once\"\n", Map.of("FLEET_RUN_ID", "0123456789abcdef")))
                .doesNotContain("fleet commands still running");
        command.destroyForcibly().waitFor();
        Files.deleteIfExists(guard.resolve("last-busy"));
        // ...nor a look fleet takes at the machine (status, activity checks), from any server.
        tagged.environment().put("FLEET_RUN_ID", "f1e2d3c4b5a69788-look-0123456789abcdef");
        Process look = start(tagged);
        fakes.logins("ubuntu   pts/0        2026-11-28 09:12   .          4321 (203.0.113.7)\n"); // a later sign, so nothing powers off
        assertThat(decideAt(50)).contains("keep busy: 1 login session(s) with input");
        fakes.logins("");
        look.destroyForcibly().waitFor();
        Files.deleteIfExists(guard.resolve("last-busy"));

        // A file transfer: OpenSSH's sftp-server for this user, which runs no tagged command.
        Path sftpServer = Files.copy(Path.of("/bin/sleep"), Files.createDirectories(tmp.resolve("openssh")).resolve("sftp-server"),
                StandardCopyOption.COPY_ATTRIBUTES);
        ProcessBuilder sftp = new ProcessBuilder(sftpServer.toString(), "60");
        sftp.environment().put("HOME", home.toString());
        Process transfer = start(sftp);
        assertThat(decideAt(50)).contains("keep busy: 1 file transfer(s) in progress (sftp-server, rsync or scp)");
        transfer.destroyForcibly().waitFor();
        notBusyBefore();
        // rsync over SSH and the legacy scp protocol: their server sides count the same.
        try (SftpServerProcesses others = new SftpServerProcesses(tmp.resolve("others"), Map.of("HOME", home.toString()))) {
            for (String server : List.of("rsync --server -vlogDtprze.iLsfxCIvu . /data/", "scp -t /data/", "/usr/bin/scp -r -f /data/")) {
                Process other = others.titled(server);
                assertThat(decideAt(50)).as(server).contains("keep busy: 1 file transfer(s) in progress (sftp-server, rsync or scp)");
                other.destroyForcibly().waitFor();
                notBusyBefore();
            }
        }

        // An agent process in the work folder.
        Path agent = Files.copy(Path.of("/bin/sleep"), Files.createDirectories(tmp.resolve("bin")).resolve("claude"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Process claude = start(new ProcessBuilder(agent.toString(), "60").directory(work.toFile()));
        assertThat(decideAt(50)).contains("keep busy: agent running in the work folder");
        claude.destroyForcibly().waitFor();
        notBusyBefore();
        // Any agent CLI fleet drives, not only Claude Code.
        Path codexBin = Files.copy(Path.of("/bin/sleep"), tmp.resolve("bin").resolve("codex"), StandardCopyOption.COPY_ATTRIBUTES);
        Process codex = start(new ProcessBuilder(codexBin.toString(), "60").directory(work.toFile()));
        assertThat(decideAt(50)).contains("keep busy: agent running in the work folder");
        codex.destroyForcibly().waitFor();
        notBusyBefore();
        assertThat(GuardScripts.runOnce()).as("every placeholder filled in").doesNotContainPattern("@[A-Z_]+@");

        // Somebody logged in over SSH and typing there (who -u: input this minute)...
        fakes.logins("ubuntu   pts/0        2026-11-28 09:12   .          4321 (203.0.113.7)\n");
        assertThat(decideAt(50)).contains("keep busy: 1 login session(s) with input in the last 40 min (who -u)");
        notBusyBefore();
        // ...over mosh too, whose comment holds spaces.
        fakes.logins("ubuntu   pts/1        2026-11-28 09:12   .          4242 (203.0.113.9 via mosh [4241])\n");
        assertThat(decideAt(50)).contains("keep busy: 1 login session(s) with input in the last 40 min (who -u)");
        notBusyBefore();
        // ...but sessions left open and untouched for longer than the timeout and grace are nobody working.
        fakes.logins("ubuntu   pts/1        2026-11-20 08:00  old          999 (198.51.100.2)\n"
                + "ubuntu   pts/2        2026-11-28 09:00 00:55         1000 (198.51.100.3)\n"
                + "ubuntu   pts/3        2026-11-28 09:00   ?          1001\n");
        assertThat(decideAt(50)).doesNotContain("login session").contains("poweroff");
        assertThat(fakes.powerOffs()).hasSize(1);
        fakes.logins("ubuntu   pts/2        2026-11-28 09:00 00:39         1000 (198.51.100.3)\n");
        Files.deleteIfExists(guard.resolve("poweroff-issued"));
        assertThat(decideAt(51)).contains("keep busy: 1 login session(s) with input");
        fakes.logins("");
        notBusyBefore();
        Files.deleteIfExists(home.resolve(".fake-guard/poweroffs"));

        assertThat(fakes.powerOffs()).isEmpty();
        assertThat(decideAt(50)).contains("poweroff");
        assertThat(fakes.powerOffs()).hasSize(1);
    }

    /** Busy counts as activity: after work was found, the guard waits its full timeout again. */
    /**
     * Fleet makes each task's folder with mkdir: one planted as a link is not read, and what it
     * points at is no sign of work (a task's commands would still show their run id).
     */
    @Test
    void aTaskFolderPlantedAsALinkIsNotRead() throws Exception {
        Path tasks = Files.createDirectories(home.resolve(".fleet-tasks"));
        Files.createSymbolicLink(tasks.resolve("task-planted01"), liveLookingTask("task-planted01"));
        assertThat(decideAt(50)).contains("poweroff idle").doesNotContain("live fleet task");
    }

    /** The same for the folder of tasks itself. */
    @Test
    void aFolderOfTasksPlantedAsALinkIsNotRead() throws Exception {
        Files.createSymbolicLink(home.resolve(".fleet-tasks"), liveLookingTask("task-planted02").getParent());
        assertThat(decideAt(50)).contains("poweroff idle").doesNotContain("live fleet task");
    }

    /** Outside fleet's folders: a task folder that would count as live, its activity marked a moment ago. */
    private Path liveLookingTask(String id) throws IOException {
        Path planted = Files.createDirectories(home.resolve("elsewhere/tasks").resolve(id));
        Files.writeString(planted.resolve("status.json"), "{\"taskId\":\"" + id + "\",\"status\":\"running\"}\n");
        Files.writeString(planted.resolve("activity"), (base + 50 * 60 - 120) + " 300\n");
        return planted;
    }

    private void notBusyBefore() throws IOException {
        assertThat(guard.resolve("last-busy")).exists();
        Files.delete(guard.resolve("last-busy"));
    }

    /**
     * A job a fleet command left running that wrote over its environment with its process title
     * (Python's setproctitle, Perl's {@code $0}) shows no run id, yet its session is the command's:
     * the machine stays up while it runs, and the session's record goes once it has ended. Records
     * are looked at on every run, so they do not pile up while the machine is in use.
     */
    @Test
    void aJobThatSetItsProcessTitleKeepsTheMachineUpByItsSession() throws Exception {
        assertThat(guard.resolve("sessions")).isDirectory();
        String runId = RunTag.next("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        String wrapper = OsCommands.forOs(MemberOs.LINUX).remoteCommand(
                TitledJobs.COMMAND, work.toString(), runId);
        // As sshd starts a command: its shell leads a session of its own.
        ProcessHandle job = TitledJobs.started(bash("exec setsid bash -c " + ShellQuote.posix(wrapper) + "\n", Map.of()));
        try {
            heartbeatAt(base);
            assertThat(decideAt(50)).contains("keep busy: 1 fleet command(s) still running, found by their session or login scope (their processes no longer show fleet's tag)");
        } finally {
            TitledJobs.end(job);
        }
        notBusyBefore();
        // Used a minute ago, so no check runs; the record of the session that ended goes all the same.
        assertThat(guard.resolve("sessions")).isNotEmptyDirectory();
        assertThat(decideAt(1)).contains("keep idle for 1 min");
        assertThat(guard.resolve("sessions")).isEmptyDirectory();
        assertThat(decideAt(50)).contains("poweroff idle for 50 min");
    }

    /**
     * A daemon a fleet command started that also set its title (Ray's processes, {@code gunicorn
     * --daemon}) is in neither the command's environment nor its session; under systemd-logind it
     * is still in the SSH login's scope, and that keeps the machine up until it ends.
     */
    @Test
    void aDaemonThatSetItsTitleKeepsTheMachineUpByTheLoginsScope() throws Exception {
        try (LoginScope scope = LoginScope.required()) {
            String wrapper = OsCommands.forOs(MemberOs.LINUX).remoteCommand(
                    TitledJobs.DAEMON, work.toString(), RunTag.next("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
            ProcessHandle daemon = TitledJobs.started(bash("exec setsid bash -c " + ShellQuote.posix(scope.enter()
                    + " && exec bash -c " + ShellQuote.posix(wrapper)) + "\n", Map.of()));
            try {
                heartbeatAt(base);
                assertThat(decideAt(50)).contains("keep busy: 1 fleet command(s) still running, found by their session or login scope");
            } finally {
                TitledJobs.end(daemon);
            }
            notBusyBefore();
            assertThat(decideAt(50)).contains("poweroff idle for 50 min");
            assertThat(guard.resolve("sessions")).isEmptyDirectory();
        }
    }

    /**
     * An SFTP session keeps the machine up while it moves data between runs; one that sits still
     * (a folder mounted with sshfs and left alone) counts from the last run that saw it move, and
     * the machine is powered off once the timeout and grace have passed without it moving.
     */
    @Test
    void anSftpSessionKeepsTheMachineUpOnlyWhileItMovesData() throws Exception {
        try (SftpServerProcesses sessions = new SftpServerProcesses(tmp.resolve("openssh"), Map.of("HOME", home.toString()))) {
            sessions.still();
            assertThat(decideAt(50)).contains("keep busy: 1 file transfer(s) in progress (sftp-server, rsync or scp)");
            assertThat(decideAt(51)).contains("keep idle for 1 min of 40");
            assertThat(decideAt(89)).contains("keep idle for 39 min of 40");

            Process transfer = sessions.moving();
            // The checks run once more than the timeout and grace have passed since the last sign of work.
            for (long minute = 91; minute < 200; minute += 42) {
                SftpServerProcesses.awaitMoved(transfer);
                assertThat(decideAt(minute)).contains("keep busy: 1 file transfer(s) in progress (sftp-server, rsync or scp)");
            }
            transfer.destroyForcibly().waitFor();
            assertThat(decideAt(183)).contains("keep idle for 8 min of 40");
            assertThat(fakes.powerOffs()).isEmpty();
            assertThat(decideAt(216)).contains("poweroff idle for 41 min", "; 1 transfer session(s) open but moving no data since the last check");
            assertThat(fakes.powerOffs()).containsExactly("powered-off");
        }
    }

    @Test
    void whatCannotBeCheckedKeepsTheMachineUp() throws Exception {
        fakes.gpuFailing();
        assertThat(decideAt(50)).contains("keep unknown: nvidia-smi failed");
        fakes.gpuTool(false);

        Files.writeString(guard.resolve("activity-command"), "echo 'checkpoint 12 of 40'\n");
        assertThat(decideAt(50)).contains("keep unknown: activity command printed neither busy nor idle");
        Files.writeString(guard.resolve("activity-command"), "exit 3\n");
        assertThat(decideAt(50)).contains("keep unknown");
        Files.writeString(guard.resolve("activity-command"), "echo idle; exit 2\n");
        assertThat(decideAt(50)).contains("keep unknown: activity command printed idle but exited 2");
        assertThat(fakes.powerOffs()).isEmpty();
    }

    @Test
    void aFailedPowerOffIsLoggedAndTriedAgainNextMinute() throws Exception {
        Files.writeString(guard.resolve("guard.env"), "FLEET_GUARD_POWEROFF='echo \"sudo: a password is required\" >&2; exit 1'\n"
                + "FLEET_GUARD_NOW_FILE=\"$HOME/.fake-guard/now\"\n");
        assertThat(decideAt(45)).contains("failed power-off command failed (exit 1): sudo: a password is required");
        assertThat(decideAt(46)).contains("failed power-off command failed");
    }

    static Stream<GpuScenarios.Scenario> scenarios() {
        return GpuScenarios.all().stream();
    }

    /**
     * Eight GPUs, one of them at full load: the sample records the busiest GPU (100 %), not the
     * average (12 %), which a threshold of 30 % would have judged idle, and the machine stays up.
     */
    @Test
    void oneBusyGpuOfEightIsAJobAtWork() throws Exception {
        Files.writeString(guard.resolve("gpu-busy-min-util"), "30\n");
        long now = base + 50 * 60;
        List<String> history = new java.util.ArrayList<>();
        for (int m = 10; m >= 1; m--) {
            history.add((now - m * 60L) + " 100 4242:19000");
        }
        Files.write(home.resolve(".fleet/gpu-samples"), history);
        fakes.gpus(List.of(0, 0, 0, 100, 0, 0, 0, 0), "4242, 19000");
        assertThat(decideAt(50)).contains("keep busy: ", "GPU at 100 %");
        assertThat(Files.readAllLines(home.resolve(".fleet/gpu-samples"))).last().asString().startsWith(now + " 100 ");
        assertThat(fakes.powerOffs()).isEmpty();
    }

    /** GPU samples the guard cannot judge (here the file is a folder, and awk fails on it) are doubt: the machine stays up. */
    @Test
    void gpuSamplesThatCannotBeJudgedAreDoubtNeverIdle() throws Exception {
        Files.createDirectories(home.resolve(".fleet/gpu-samples"));
        fakes.gpu(0, "4242, 19000");
        assertThat(decideAt(50)).contains("keep unknown: the GPU samples could not be judged");
        assertThat(fakes.powerOffs()).isEmpty();
    }

    /** The same recorded histories as UtilizationPolicyTest, judged by the guard's bash. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theUtilizationPolicyOnRecordedSamples(GpuScenarios.Scenario s) throws Exception {
        Files.writeString(guard.resolve("gpu-busy-min-util"), s.threshold() + "\n");
        long now = base + 50 * 60;
        // The holder is a real process (or a pid no process has): the guard measures its CPU use.
        String pid = holders.of(s.holders());
        List<String> history = s.lines(now, pid);
        Files.write(home.resolve(".fleet/gpu-samples"), history.subList(0, history.size() - 1));
        GpuScenarios.Look current = s.current();
        fakes.gpu(current.utilization(), current.processes().equals("-") ? "" : current.processes().replace(GpuScenarios.PID, pid)
                .replace(":", ", "));
        String decision = decideAt(50);
        switch (s.expect()) {
            case BUSY -> assertThat(decision).contains("keep busy: ", s.holders() == GpuScenarios.Holders.WORKING
                    || s.name().contains("bursts") ? "GPU memory held at 0 % for 45 min while its processes used up to"
                    : current.processes().equals("-") ? "no compute process visible" : "GPU compute process");
            case UNKNOWN -> assertThat(decision).contains("keep unknown: GPU memory held at 0 % for 45 min",
                    "whether its processes work on the CPU cannot be told");
            case BELOW_THRESHOLD -> assertThat(decision).contains("poweroff", "below the threshold of " + s.threshold() + " %");
            case HOLDING_IDLE -> assertThat(decision).contains("poweroff", "holding the GPU idle: pid " + pid + " holds 19000 MiB",
                    "for 45 min");
            case NO_PROCESSES -> assertThat(decision).contains("poweroff", "no GPU compute process");
        }
        assertThat(Files.readAllLines(home.resolve(".fleet/gpu-samples"))).hasSize(history.size())
                .last().asString().startsWith(now + " " + current.utilization() + " ");
    }

    /**
     * The activity command runs with the PATH of the SSH session that installed the guard, as
     * fleet's own look runs it: from a timer's PATH, a tool found only on the login's would be
     * missing, and {@code tool && echo busy || echo idle} would print idle under running work.
     */
    @Test
    void theActivityCommandFindsWhatTheInstallingSessionsPathHas() throws Exception {
        Path tools = Files.createDirectories(home.resolve("miniconda/bin"));
        Path tool = Files.writeString(tools.resolve("training-running"), "#!/bin/sh\nexit 0\n");
        tool.toFile().setExecutable(true);
        bash(GuardScripts.installer(new GuardScripts.Config("trainer", work.toString(), 30, 10, 0,
                "training-running && echo busy || echo idle")), Map.of("PATH", tools + ":" + System.getenv("PATH")));
        heartbeatAt(base);
        // The guard's own run has the timer's PATH, without the session's additions.
        assertThat(decideAt(50)).contains("keep busy: activity command says busy");
        assertThat(fakes.powerOffs()).isEmpty();
    }

    @Test
    void uninstallRemovesTheScheduleAndTheFolder() throws Exception {
        assertThat(fakes.crontab()).contains("# fleet-guard", guard.resolve("run-once").toString());
        String out = bash("exec bash \"$HOME/.fleet/guard/uninstall\"\n", Map.of());
        assertThat(out).contains("@@guard:removed");
        assertThat(fakes.crontab()).doesNotContain("fleet-guard");
        assertThat(guard).doesNotExist();
    }

    @Test
    void aReinstallKeepsTheUsersSettingsAndHistory() throws Exception {
        decideAt(5);
        Files.writeString(guard.resolve("guard.env"), Files.readString(guard.resolve("guard.env")) + "# mine\n");
        bash(GuardScripts.installer(new GuardScripts.Config("trainer", work.toString(), 45, 10, 20, "echo idle")), Map.of());
        assertThat(Files.readString(guard.resolve("guard.env"))).contains("# mine", "FLEET_GUARD_POWEROFF");
        assertThat(Files.readAllLines(guard.resolve("decisions.log"))).hasSize(1);
        assertThat(Files.readString(guard.resolve("timeout-min")).strip()).isEqualTo("45");
        assertThat(Files.readString(guard.resolve("gpu-busy-min-util")).strip()).isEqualTo("20");
        assertThat(Files.readString(guard.resolve("activity-command")).strip()).isEqualTo("echo idle");
        assertThat(fakes.crontab().lines().filter(l -> l.contains("fleet-guard")).count()).isEqualTo(1);
    }

    /**
     * The guard's folder is fleet's own, yet anything that runs as the member's user can plant
     * links in it. Neither a reinstall, nor a decision, nor the heartbeat every command in the
     * work folder refreshes writes or truncates through them: each link is replaced by the
     * guard's own file, and the files they pointed at (here standing for ~/.bashrc) stay as they were.
     */
    @Test
    void linksPlantedInTheGuardsFolderAreNeverWrittenThrough() throws Exception {
        Path outside = Files.writeString(tmp.resolve("bashrc"), "outside content\n");
        List<Path> planted = List.of(guard.resolve("heartbeat"), guard.resolve("decisions.log"), guard.resolve("timeout-min"),
                guard.resolve("run-once.tmp"), guard.resolve("last-busy"), home.resolve(".fleet/gpu-samples"));
        for (Path p : planted) {
            Files.deleteIfExists(p);
            Files.createSymbolicLink(p, outside);
        }
        bash(GuardScripts.installer(new GuardScripts.Config("trainer", work.toString(), 30, 10, 0, null)), Map.of());
        Files.deleteIfExists(guard.resolve("heartbeat"));
        Files.createSymbolicLink(guard.resolve("heartbeat"), outside);
        bash(OsCommands.forOs(MemberOs.LINUX).remoteCommand("true", work.toString(), "run-1") + "\n",
                Map.of());
        fakes.gpu(50, "4242, 19000");
        String decision = decideAt(5);

        assertThat(outside).hasContent("outside content");
        assertThat(decision).contains("keep");
        for (Path p : planted) {
            assertThat(Files.isSymbolicLink(p)).as(p.toString()).isFalse();
        }
        assertThat(Files.readString(guard.resolve("timeout-min")).strip()).isEqualTo("30");
        assertThat(Files.readAllLines(guard.resolve("decisions.log"))).hasSize(1);
        assertThat(Files.readAllLines(home.resolve(".fleet/gpu-samples"))).last().asString().contains(" 50 4242:19000");
    }

    /**
     * The guard's folder (or ~/.fleet) replaced by a link after install: the guard's run writes
     * nothing through it and decides nothing, so the machine stays up, and says why.
     */
    @Test
    void aGuardFolderTurnedIntoALinkAfterInstallIsNotWrittenThroughAndDecidesNothing() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path moved = Files.move(guard, elsewhere.resolve("guard"));
        Files.createSymbolicLink(guard, moved);
        long logBefore = Files.size(moved.resolve("decisions.log"));

        String out = decideAt(60);

        assertThat(out).contains(guard.toString(), "is a symbolic link", "decided nothing");
        assertThat(fakes.powerOffs()).isEmpty();
        assertThat(Files.size(moved.resolve("decisions.log"))).isEqualTo(logBefore);
        assertThat(moved.resolve("last-busy")).doesNotExist();
        assertThat(moved.resolve("run.lock")).doesNotExist();
    }
}
