package dev.fleet.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.LocalChannel;
import dev.fleet.exec.LoginEnvironment;
import dev.fleet.exec.SpillFiles;
import dev.fleet.member.AgentType;
import dev.fleet.member.Member;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.tasks.TaskMonitor;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.NoRemoteMembers;
import dev.fleet.testing.SftpServerProcesses;
import dev.fleet.testing.TestLogins;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activity check finds fleet commands by the member's run tag: a command started for a local
 * member carries it too, so the check sees it there, and only for that member. The command is a
 * real child process on this machine.
 */
class ActivityProbeTest {
    @TempDir
    Path tmp;
    ExecutorService pool = Executors.newCachedThreadPool();
    Channels channels;
    ActivityProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        TestLogins.install(home);
        Map<String, String> env = Map.of("HOME", home.toString(), "USER", "tester", "SHELL", "/bin/sh");
        channels = new Channels(new LocalChannel(OsCommands.forOs(MemberOs.current()), new LoginEnvironment(env, home),
                new SpillFiles(tmp.resolve("out"), Clock.systemUTC()), pool), new NoRemoteMembers());
        probe = new ActivityProbe(channels, Duration.ofSeconds(10), new TaskMonitor(channels, Duration.ofSeconds(30)).asProbeStep(),
                new GpuProbe(channels), Member::ownIdleTimeoutMin, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        channels.close();
        pool.shutdownNow();
    }

    private Member local(String id, String name) throws Exception {
        Path work = Files.createDirectories(tmp.resolve(name));
        return Member.builder().id(id).friendlyName(name).agentType(AgentType.LOCAL).workFolder(work.toString()).build();
    }

    @Test
    void aCommandRunningForALocalMemberIsSeenByThatMembersActivityCheckOnly() throws Exception {
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000001", "here");
        Member other = local("9e8d7c6b-aaaa-4bbb-8ccc-000000000002", "other");
        assertThat(probe.check(here)).isEqualTo(new Activity.Idle());

        // Runs until the test removes its marker (or its own timeout ends it).
        Path started = Path.of(here.workFolder(), "started");
        CompletableFuture<CommandResult> command = CompletableFuture.supplyAsync(() -> exec(here,
                "touch started; while [ -f started ]; do sleep 0.1; done"), pool);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started) || command.isDone());
        assertThat(command.isDone()).as("still running").isFalse();

        assertThat(probe.check(here)).isInstanceOfSatisfying(Activity.Busy.class,
                b -> assertThat(b.reason()).startsWith("1 fleet command still running there"));
        assertThat(probe.check(other)).isEqualTo(new Activity.Idle());

        Files.delete(started);
        assertThat(command.get(30, TimeUnit.SECONDS).exitCode()).isZero();
        assertThat(probe.check(here)).isEqualTo(new Activity.Idle());
    }

    /**
     * Live fleet tasks keep a machine busy and are named; the task auto_stop asks about does not
     * count, and a task whose status is final no longer does. Folder names that are no task id
     * (a member's files are untrusted) are neither counted nor shown.
     */
    @Test
    void liveTasksAreNamedAndTheFinishedTaskAutoStopAsksAboutIsNotCounted() throws Exception {
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000003", "tasks");
        Path tasks = tmp.resolve("home/.fleet-tasks");
        for (String id : new String[] {"task-abcd1234", "task-efgh5678", "task-x; echo forged"}) {
            Files.writeString(Files.createDirectories(tasks.resolve(id)).resolve("activity"), "");
        }
        assertThat(probe.check(here)).isEqualTo(new Activity.Busy("2 live fleet tasks: task-abcd1234, task-efgh5678"));
        assertThat(probe.check(here, "task-abcd1234")).isEqualTo(new Activity.Busy("1 live fleet task: task-efgh5678"));

        Files.writeString(tasks.resolve("task-efgh5678/status.json"), "{\"status\":\"completed\"}");
        assertThat(probe.check(here, "task-abcd1234")).isEqualTo(new Activity.Idle());
    }

    /**
     * Fleet's own looks at a member (status, activity, GPU samples), from this server or another,
     * are no work there: a look that takes long is not counted, a command is.
     */
    @Test
    void fleetsOwnLooksAtAMemberAreNotTakenForWork() throws Exception {
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000005", "looked");
        Path started = Path.of(here.workFolder(), "look-started");
        CompletableFuture<CommandResult> look = CompletableFuture.supplyAsync(() -> {
            try {
                return channels.forMember(here).exec(CommandRequest.look("touch '" + started + "'; i=0; while [ -f '" + started
                        + "' ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done", Duration.ofSeconds(60)));
            } catch (ChannelException e) {
                throw new CompletionException(e);
            }
        }, pool);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started) || look.isDone());
        assertThat(look.isDone()).as("still running").isFalse();
        assertThat(probe.check(here)).isEqualTo(new Activity.Idle());
        Files.delete(started);
        assertThat(look.get(30, TimeUnit.SECONDS).exitCode()).isZero();
    }

    /**
     * Work that runs no fleet command: a file transfer (OpenSSH's sftp-server of the member's user,
     * serving another fleet server or anyone) and a person logged in by hand.
     */
    @Test
    void aFileTransferOrSomeoneLoggedInKeepsTheMachine() throws Exception {
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000007", "byhand");
        Path home = tmp.resolve("home");
        assertThat(probe.check(here)).isEqualTo(new Activity.Idle());

        // As who -u shows them: a session typed in this minute and one 5 minutes ago count; one
        // untouched for 45 minutes or a day, or a stale record whose terminal is gone, do not.
        TestLogins.show(home, "dan      pts/3        2026-11-28 09:12   old   4245 (198.51.100.9)\n"
                + "eve      pts/4        2026-11-28 09:12   ?     4246\n"
                + "bob      pts/1        Nov 28 09:12       00:45 4243 (10.0.0.1)\n");
        assertThat(probe.check(here)).isEqualTo(new Activity.Idle());
        TestLogins.show(home, "ubuntu   pts/0        2026-11-28 09:12   .     4242 (203.0.113.7)\n"
                + "carl     pts/2        Nov 28 09:12       00:05 4244\n");
        assertThat(probe.check(here)).isEqualTo(new Activity.Busy("2 login sessions in use (who)"));
        // mosh writes a comment with spaces in it: someone typing over mosh works there all the same.
        TestLogins.show(home, "ubuntu   pts/1        2026-11-28 09:12   .     4242 (203.0.113.9 via mosh [4241])\n"
                + "ann      pts/5        2026-11-28 09:12   00:50 4250 (198.51.100.3 via mosh [4249])\n");
        assertThat(probe.check(here)).isEqualTo(new Activity.Busy("1 login session in use (who)"));
        TestLogins.show(home, "");

        Path sftpServer = Files.copy(Path.of("/bin/sleep"), Files.createDirectories(tmp.resolve("openssh")).resolve("sftp-server"),
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Process transfer = new ProcessBuilder(sftpServer.toString(), "60").start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.check(here) instanceof Activity.Busy);
            assertThat(probe.check(here)).isEqualTo(new Activity.Busy("1 file transfer in progress (sftp-server, rsync or scp)"));
        } finally {
            transfer.destroyForcibly().waitFor();
        }
        assertThat(probe.check(here)).isEqualTo(new Activity.Idle());

        // rsync over SSH and the legacy scp protocol run no sftp-server: their server sides count the same.
        try (SftpServerProcesses others = new SftpServerProcesses(tmp.resolve("others"), Map.of())) {
            for (String server : List.of("rsync --server -vlogDtprze.iLsfxCIvu . /data/", "rsync --server --sender -vlogDtpre.iLsfxCIvu . /data/",
                    "scp -t /data/", "/usr/bin/scp -r -f /data/")) {
                Process other = others.titled(server);
                await().atMost(Duration.ofSeconds(10)).until(() -> probe.check(here) instanceof Activity.Busy);
                assertThat(probe.check(here)).as(server).isEqualTo(new Activity.Busy("1 file transfer in progress (sftp-server, rsync or scp)"));
                other.destroyForcibly().waitFor();
            }
            // An rsync or scp run here as a client is no transfer into this machine.
            others.titled("rsync -av /data/ elsewhere:/backup/");
            others.titled("scp notes.txt elsewhere:");
            assertThat(probe.check(here)).isEqualTo(new Activity.Idle());
        }
    }

    /**
     * An SFTP session counts as a transfer while it moves data: one that has sat still for the
     * idle timeout (a folder mounted with sshfs and left alone) no longer keeps the machine up;
     * one that moves does, however long it runs. Fleet's first look at a session, with no history
     * of it, counts it as moving.
     */
    @Test
    void anSftpSessionCountsAsATransferOnlyWhileItMovesData() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
        ActivityProbe timed = new ActivityProbe(channels, Duration.ofSeconds(10),
                new TaskMonitor(channels, Duration.ofSeconds(30)).asProbeStep(), new GpuProbe(channels), m -> 30, clock);
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000008", "mounted");
        Activity oneTransfer = new Activity.Busy("1 file transfer in progress (sftp-server, rsync or scp)");
        Activity stillMount = new Activity.Idle("1 transfer session open but moving no data for 30 min"
                + " (an sshfs mount left alone does not keep the instance up)");

        try (SftpServerProcesses sessions = new SftpServerProcesses(tmp.resolve("openssh"), Map.of())) {
            sessions.still();
            await().atMost(Duration.ofSeconds(10)).until(() -> timed.check(here) instanceof Activity.Busy);
            clock.advance(Duration.ofMinutes(29));
            assertThat(timed.check(here)).isEqualTo(oneTransfer);
            clock.advance(Duration.ofMinutes(2));
            assertThat(timed.check(here)).isEqualTo(stillMount);
            // Another probe (another fleet process) has no history of it: moving until it has seen it still.
            assertThat(probe.check(here)).isEqualTo(oneTransfer);

            // A session that writes, beside the still one: the machine stays up however long it runs.
            Process transfer = sessions.moving();
            for (int look = 0; look < 3; look++) {
                clock.advance(Duration.ofMinutes(45));
                SftpServerProcesses.awaitMoved(transfer);
                assertThat(timed.check(here)).isEqualTo(oneTransfer);
            }
            transfer.destroyForcibly().waitFor();
            assertThat(timed.check(here)).isEqualTo(stillMount);
        }
    }

    /** "idle" from an activity command that failed (a volume not mounted, a tool missing) is no answer. */
    @Test
    void anActivityCommandThatSaysIdleButFailsIsUnknown() throws Exception {
        Member plain = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000006", "custom");
        java.util.function.Function<String, Member> with = command -> plain.toBuilder()
                .cloud(new dev.fleet.member.CloudConfig("aws", "i-0123456789abcdef0", "us-east-1", null, 30, null, command, null, 0,
                        false, Map.of()))
                .build();
        assertThat(probe.check(with.apply("echo idle"))).isEqualTo(new Activity.Idle());
        assertThat(probe.check(with.apply("echo idle; exit 2"))).isEqualTo(
                new Activity.Unknown("activity command printed idle but exited 2"));
        assertThat(probe.check(with.apply("echo busy; exit 1"))).isInstanceOf(Activity.Busy.class);
    }

    /**
     * A task is live while its wrapper runs: a pid in {@code task.pid} that another process has
     * by now (the wrapper died unrecorded), or 0, 1, -1, is no live task; the wrapper itself is.
     */
    @Test
    void aTaskPidThatIsNotTheTasksWrapperIsNoLiveTask() throws Exception {
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000004", "pids");
        Path task = Files.createDirectories(tmp.resolve("home/.fleet-tasks/task-0badc0de"));
        Files.writeString(task.resolve("activity"), "");
        Files.setLastModifiedTime(task.resolve("activity"), java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
        Files.writeString(task.resolve("run.sh"), "sleep 60\n");
        Process other = new ProcessBuilder("sleep", "60").start();
        Process wrapper = new ProcessBuilder("bash", task.resolve("run.sh").toString()).start();
        try {
            for (String pid : new String[] {String.valueOf(other.pid()), "0", "1", "-1", "00" + wrapper.pid()}) {
                Files.writeString(task.resolve("task.pid"), pid);
                assertThat(probe.check(here)).as("task.pid " + pid).isEqualTo(new Activity.Idle());
            }
            Files.writeString(task.resolve("task.pid"), String.valueOf(wrapper.pid()));
            assertThat(probe.check(here)).isEqualTo(new Activity.Busy("1 live fleet task: task-0badc0de"));
        } finally {
            other.destroyForcibly();
            wrapper.destroyForcibly();
        }
    }

    /** A task's marker is fresh within two of the task's own intervals, whatever this server's setting. */
    @Test
    void aTasksMarkerIsJudgedByTheTasksOwnInterval() throws Exception {
        Member here = local("5c1d2e3f-aaaa-4bbb-8ccc-000000000008", "intervals");
        Path task = Files.createDirectories(tmp.resolve("home/.fleet-tasks/task-1a2b3c4d"));
        Files.writeString(task.resolve("activity"), "");
        Files.setLastModifiedTime(task.resolve("activity"), java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(90 * 60)));
        Files.writeString(task.resolve("status.json"), "{\"status\":\"running\",\"activityIntervalSec\":3600}");
        assertThat(probe.check(here)).as("an hourly marker 90 min old").isEqualTo(new Activity.Busy("1 live fleet task: task-1a2b3c4d"));

        Files.writeString(task.resolve("status.json"), "{\"status\":\"running\",\"activityIntervalSec\":60}");
        Files.setLastModifiedTime(task.resolve("activity"), java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(10 * 60)));
        assertThat(probe.check(here)).as("a one-minute marker 10 min old").isEqualTo(new Activity.Idle());
    }

    /** Processes show their folder with links resolved: an agent in a work folder registered through a link is seen. */
    @Test
    void anAgentInAWorkFolderRegisteredThroughALinkIsSeen() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("data/project"));
        Path link = Files.createSymbolicLink(tmp.resolve("project-link"), real);
        Member linked = Member.builder().id("5c1d2e3f-aaaa-4bbb-8ccc-000000000009").friendlyName("linked")
                .agentType(AgentType.LOCAL).workFolder(link.toString()).build();
        assertThat(probe.check(linked)).isEqualTo(new Activity.Idle());
        Process agent = new ProcessBuilder("/bin/bash", "-c", "exec -a claude-agent sleep 60").directory(link.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.check(linked) instanceof Activity.Busy);
            assertThat(probe.check(linked)).isEqualTo(new Activity.Busy("agent running in the work folder"));
        } finally {
            agent.destroyForcibly().waitFor();
        }
    }

    private CommandResult exec(Member m, String script) {
        try {
            return channels.forMember(m).exec(new CommandRequest(script, m.workFolder(), Duration.ofSeconds(60), 1000));
        } catch (ChannelException e) {
            throw new CompletionException(e);
        }
    }
}
