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
import dev.fleet.testing.NoRemoteMembers;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
        Map<String, String> env = Map.of("HOME", home.toString(), "USER", "tester", "SHELL", "/bin/sh");
        channels = new Channels(new LocalChannel(OsCommands.forOs(MemberOs.current()), new LoginEnvironment(env, home),
                new SpillFiles(tmp.resolve("out"), Clock.systemUTC()), pool), new NoRemoteMembers());
        probe = new ActivityProbe(channels, Duration.ofSeconds(10), new TaskMonitor(channels, Duration.ofSeconds(30)).asProbeStep(),
                new GpuProbe(channels));
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

    private CommandResult exec(Member m, String script) {
        try {
            return channels.forMember(m).exec(new CommandRequest(script, m.workFolder(), Duration.ofSeconds(60), 1000));
        } catch (ChannelException e) {
            throw new CompletionException(e);
        }
    }
}
