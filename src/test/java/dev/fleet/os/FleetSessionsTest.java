package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.RunTag;
import dev.fleet.member.MemberOs;
import dev.fleet.testing.LoginScope;
import dev.fleet.testing.TitledJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command whose processes write over their environment (a process title set with Python's
 * setproctitle or Perl's {@code $0}) loses the run id fleet's activity checks look for; the session
 * OpenSSH started it in still finds it. Real processes: each "member command" is the real wrapper
 * run by a shell that leads a session of its own ({@code setsid}, as sshd starts one), and the
 * check is the real listing fleet's idle watcher runs.
 */
class FleetSessionsTest {
    private static final String MEMBER = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private final OsCommands linux = OsCommands.forOs(MemberOs.LINUX);
    private final List<Long> started = new ArrayList<>();

    @TempDir
    Path tmp;
    Path home;
    Path sessions;
    Path work;

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        sessions = Files.createDirectories(home.resolve(".fleet/guard/sessions"));
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterEach
    void stopLeftovers() {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private ShellRun run(String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", System.getenv("PATH"));
        return ShellRun.of(pb);
    }

    /** The wrapper fleet sends, run by {@code shell} leading a new session; returns what the command printed. */
    private String memberCommand(String shell, String script, String runId) throws Exception {
        return ranWell(run("setsid", shell, "-c", linux.remoteCommand(script, work.toString(), runId)));
    }

    /** What a member command printed, once it is seen to have ended well and said nothing on stderr. */
    private static String ranWell(ShellRun r) {
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        return r.stdout().strip();
    }

    /** Starts, through the wrapper, a detached job that writes over its environment with its title; returns its pid. */
    private long jobThatSetsItsTitle(String shell, String runId) throws Exception {
        long pid = TitledJobs.started(memberCommand(shell, TitledJobs.COMMAND, runId)).pid();
        started.add(pid);
        return pid;
    }

    private String listed() throws Exception {
        ShellRun r = run("bash", "-c", linux.fleetCommands(OsCommands.runTag(MEMBER)).orElseThrow());
        assertThat(r.exit()).as(r.stderr()).isZero();
        return r.stdout();
    }

    private static void stop(long pid) {
        TitledJobs.end(ProcessHandle.of(pid).orElseThrow());
    }

    @Test
    void aJobThatWritesOverItsEnvironmentIsStillFoundByItsSessionUntilItEnds() throws Exception {
        String runId = RunTag.next(MEMBER);
        long job = jobThatSetsItsTitle("bash", runId);

        assertThat(listed()).isEqualTo(OsCommands.RUN_TAG + "=" + runId + "\n");

        stop(job);
        assertThat(listed()).isEmpty();
        assertThat(sessions).isEmptyDirectory(); // the record of a session that is over goes
    }

    /** The wrapper runs in the member user's login shell: dash (a plain POSIX sh) and zsh, where it is installed. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dash", "zsh"})
    void aLoginShellThatIsNotBashRecordsItsSessionToo(String shell) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(run("sh", "-c", "command -v " + shell).exit() == 0, shell + " is not installed");
        String runId = RunTag.next(MEMBER);
        long job = jobThatSetsItsTitle(shell, runId);
        assertThat(listed()).isEqualTo(OsCommands.RUN_TAG + "=" + runId + "\n");
        stop(job);
        assertThat(listed()).isEmpty();
    }

    /**
     * Ending a command (its time is up, or it is stopped) ends what it left running, as it ends
     * what shows the run id: a job that wrote over it goes too, another command's job stays. The
     * kill runs in the member user's login shell, whichever it is.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"bash", "dash", "zsh"})
    void endingACommandEndsItsJobThatSetItsTitle(String shell) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(run("sh", "-c", "command -v " + shell).exit() == 0, shell + " is not installed");
        String runId = RunTag.next(MEMBER);
        long job = jobThatSetsItsTitle("bash", runId);
        long other = jobThatSetsItsTitle("bash", RunTag.next(MEMBER));

        ShellRun r = run(shell, "-c", linux.killTagged(runId));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        ProcessHandle.of(job).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(job)).as("the ended command's job").isEmpty();
        assertThat(ProcessHandle.of(other)).as("another command's job").isPresent();
        stop(other);
    }

    @Test
    void anotherMembersSessionsAndLooksAreNotListed() throws Exception {
        long other = jobThatSetsItsTitle("bash", RunTag.next("7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d"));
        long look = jobThatSetsItsTitle("bash", RunTag.next(MEMBER, true));
        assertThat(listed()).isEmpty();
        assertThat(Files.list(sessions).count()).as("records of sessions that still run stay").isEqualTo(2);
        stop(other);
        stop(look);
    }

    @Test
    void nothingIsRecordedWithoutTheGuardsFolderOrWhereTheShellLeadsNoSessionOfItsOwn() throws Exception {
        // Not a session leader: a local command, or an SSH server that starts commands in its own session.
        ShellRun r = run("bash", "-c", linux.remoteCommand("true", work.toString(), RunTag.next(MEMBER)));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(sessions).isEmptyDirectory();
        // A plain SSH host: no guard, so nothing would ever clean records up, and none are written.
        Files.delete(sessions);
        assertThat(memberCommand("bash", "echo ran", RunTag.next(MEMBER))).isEqualTo("ran");
        assertThat(sessions).doesNotExist();
        // A command with no work folder (fleet's looks, probes) records nothing either.
        Files.createDirectories(sessions);
        ShellRun probe = run("setsid", "bash", "-c", linux.remoteCommand("true", null, RunTag.next(MEMBER)));
        assertThat(probe.exit()).as(probe.stderr()).isZero();
        assertThat(sessions).isEmptyDirectory();
    }

    /**
     * The member user's login shell may be set to noclobber (zsh reads {@code .zshenv} for every
     * command): the heartbeat is still refreshed, and an old record under the shell's pid (an
     * earlier session of that id, not yet cleaned up) is overwritten rather than kept.
     */
    @Test
    void aLoginShellSetToNoclobberStillRefreshesTheHeartbeatAndRecordsItsSession() throws Exception {
        Path heartbeat = Files.writeString(home.resolve(".fleet/guard/heartbeat"), "");
        Files.setLastModifiedTime(heartbeat, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        String runId = RunTag.next(MEMBER);
        String wrapper = linux.remoteCommand("echo ran", work.toString(), runId);
        ShellRun r = run("setsid", "bash", "-c", "printf '1 stale\\n' > \"$HOME/.fleet/guard/sessions/$$\"; exec bash -C -c "
                + dev.fleet.security.ShellQuote.posix(wrapper));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
        assertThat(Files.getLastModifiedTime(heartbeat).toInstant()).isAfter(java.time.Instant.now().minusSeconds(60));
        try (var records = Files.list(sessions)) {
            assertThat(records).singleElement().satisfies(p -> assertThat(Files.readString(p)).endsWith(" " + runId + "\n"));
        }
    }

    @Test
    void aReusedPidIsNotTheCommandsAndRecordsOfEndedSessionsGo() throws Exception {
        String runId = RunTag.next(MEMBER);
        // A session leader alive now, but started after the record was written: its pid was reused.
        ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "120");
        Process reused = pb.start();
        started.add(reused.pid());
        Files.writeString(sessions.resolve(Long.toString(reused.pid())), "1 " + runId + "\n");
        // A session with no process left.
        Files.writeString(sessions.resolve("99999999"), "12345 " + runId + "\n");
        // Not fleet's names: left alone.
        Files.writeString(sessions.resolve("notes.txt"), "mine\n");

        assertThat(listed()).isEmpty();
        try (var left = Files.list(sessions)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void aLinkPlantedUnderARecordsNameIsNeverWrittenOrReadThrough() throws Exception {
        Path precious = Files.writeString(tmp.resolve("precious"), "keep me\n");
        // The shell that will run the wrapper finds a link at its own record's name (exec keeps its pid).
        String runId = RunTag.next(MEMBER);
        String wrapper = linux.remoteCommand("echo ran", work.toString(), runId);
        ShellRun r = run("setsid", "bash", "-c", "ln -s '" + precious + "' \"$HOME/.fleet/guard/sessions/$$\"; exec bash -c "
                + dev.fleet.security.ShellQuote.posix(wrapper));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
        assertThat(precious).hasContent("keep me");
        try (var records = Files.list(sessions)) {
            assertThat(records).singleElement().satisfies(p -> {
                assertThat(p).isRegularFile().isNotEqualTo(precious);
                assertThat(Files.isSymbolicLink(p)).isFalse();
            });
        }

        // A link the check meets is removed, and what it points at is left as it was.
        Files.createSymbolicLink(sessions.resolve("4242"), precious);
        assertThat(listed()).isEmpty();
        assertThat(precious).hasContent("keep me");
        assertThat(sessions.resolve("4242")).doesNotExist();
    }

    /**
     * As {@code sudo} starts a job: with its environment reset (no run id) and as another user,
     * whose environment the member user's look could not read anyway. The session finds it: the
     * look reads only {@code /proc/PID/stat}, which every user may read.
     */
    @Test
    void aJobStartedAsAnotherUserWithItsEnvironmentResetIsFoundByItsSession() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(run("sh", "-c", "command -v setpriv").exit() == 0, "setpriv is not installed");
        String runId = RunTag.next(MEMBER);
        long job = TitledJobs.pid(memberCommand("bash", "env -i setpriv --reuid=65534 --regid=65534 --clear-groups sleep 120 "
                + "</dev/null >/dev/null 2>&1 & echo \"job=$!\"", runId));
        started.add(job);
        Path status = Path.of("/proc/" + job + "/status");
        for (int i = 0; i < 1000 && !Files.readString(status).contains("\nUid:\t65534"); i++) {
            Thread.sleep(10);
        }
        assertThat(Files.readString(status)).contains("\nUid:\t65534");
        assertThat(Files.readString(Path.of("/proc/" + job + "/environ"))).doesNotContain(OsCommands.RUN_TAG);

        assertThat(listed()).isEqualTo(OsCommands.RUN_TAG + "=" + runId + "\n");
        stop(job);
        assertThat(listed()).isEmpty();
    }

    /** The wrapper fleet sends, run as sshd runs it under systemd-logind: a new session, inside the login's scope. */
    private String memberCommandInScope(LoginScope scope, String script, String runId) throws Exception {
        return ranWell(run("setsid", "bash", "-c", scope.enter() + " && exec bash -c "
                + dev.fleet.security.ShellQuote.posix(linux.remoteCommand(script, work.toString(), runId))));
    }

    /**
     * A daemon (a title set over its environment, and a session of its own, as Ray's processes
     * have) has left everything fleet's tag and the command's session show; under systemd-logind it
     * is still in the SSH login's scope, and that keeps it listed until it ends. Of the records of
     * that scope's ended commands one stays, so a daemon running for hours does not keep a record
     * of every command run meanwhile; OpenSSH's own processes in the scope are no work.
     */
    @Test
    void aDaemonThatSetItsTitleAndLeftItsSessionIsFoundByTheLoginsScope() throws Exception {
        try (LoginScope scope = LoginScope.required()) {
            String runId = RunTag.next(MEMBER);
            long daemon = TitledJobs.started(memberCommandInScope(scope, TitledJobs.DAEMON, runId)).pid();
            started.add(daemon);
            try (var records = Files.list(sessions)) {
                assertThat(records).singleElement().satisfies(p -> assertThat(Files.readString(p))
                        .contains(" " + runId + " ").endsWith("/user.slice/user-0.slice/session-9.scope\n"));
            }

            assertThat(listed()).isEqualTo(OsCommands.RUN_TAG + "=" + runId + "\n");

            // Other commands of the same login come and go: one record of the scope is left.
            for (int i = 0; i < 3; i++) {
                assertThat(memberCommandInScope(scope, "echo ran", RunTag.next(MEMBER))).isEqualTo("ran");
            }
            assertThat(listed()).hasLineCount(1).startsWith(OsCommands.RUN_TAG + "=");
            assertThat(Files.list(sessions).count()).isEqualTo(1);

            // Ending a command by its id never reaches into the scope (it holds other commands' work too).
            ShellRun kill = run("bash", "-c", linux.killTagged(runId));
            assertThat(kill.exit()).as(kill.stderr()).isZero();
            assertThat(ProcessHandle.of(daemon)).isPresent();

            // OpenSSH's processes of the login (fleet's own connection) and its SFTP server are no work.
            Path sshd = Files.copy(Path.of("/bin/sleep"), tmp.resolve("sshd"));
            ShellRun openssh = run("setsid", "bash", "-c", scope.enter() + " && { setsid '" + sshd + "' 120 </dev/null >/dev/null 2>&1 & }");
            assertThat(openssh.exit()).as(openssh.stderr()).isZero();
            stop(daemon);
            assertThat(listed()).isEmpty();
            assertThat(sessions).isEmptyDirectory();
        }
    }

    /** A record whose third field names something other than a login's scope counts for nothing. */
    @Test
    void aRecordNamingAnotherGroupIsNoWork() throws Exception {
        // The group this test runs in has processes (this JVM); a record naming it must not keep anything up.
        String own = Files.readAllLines(Path.of("/proc/self/cgroup")).get(0);
        Files.writeString(sessions.resolve("99999999"), "12345 " + RunTag.next(MEMBER) + " " + own + "\n");
        assertThat(listed()).isEmpty();
        assertThat(sessions).isEmptyDirectory();
    }
}
