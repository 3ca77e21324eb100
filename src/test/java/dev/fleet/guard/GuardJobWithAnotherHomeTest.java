package dev.fleet.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.RunTag;
import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import dev.fleet.security.ShellQuote;
import dev.fleet.testing.GuardFakes;
import dev.fleet.testing.LoginScope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job a fleet command started with another HOME ({@code HOME=/scratch python train.py}, a cache
 * or a snap-packaged tool redirected) that also left the command's session (setsid, a daemon) still
 * carries the command's run id: the guard counts it by its member's run tag, as fleet's own look
 * does, and never powers the machine off under it. A tagged process the tag check leaves out
 * (another member's run id, another HOME) is still looked at by the login-scope check.
 */
class GuardJobWithAnotherHomeTest {
    /** Not the id other guard tests use: their jobs must not count here. */
    static final String MEMBER = "7c6b5a49-3827-4615-a0b9-c8d7e6f5a4b3";

    /** The job as fleet runs a command over SSH: it changes HOME and starts a session of its own. */
    private static final String JOB = "HOME=/tmp/elsewhere setsid sleep 300 </dev/null >/dev/null 2>&1 & echo \"job=$!\"";

    @TempDir
    Path tmp;
    Path home;
    Path work;
    GuardFakes fakes;
    long base;
    ProcessHandle job;

    @BeforeEach
    void install() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        work = Files.createDirectories(home.resolve("work"));
        fakes = GuardFakes.install(home);
        base = Instant.now().getEpochSecond();
        // As GuardService installs it: with the member's run tag.
        String out = bash(GuardScripts.installer(new GuardScripts.Config("trainer", work.toString(), 30, 10, 0, null,
                OsCommands.runTag(MEMBER))));
        assertThat(out).contains("@@guard:version=" + GuardScripts.VERSION);
        Files.setLastModifiedTime(fakes.guardFolder().resolve("heartbeat"), FileTime.fromMillis(base * 1000));
    }

    @AfterEach
    void end() {
        if (job != null) {
            job.destroyForcibly();
            job.onExit().orTimeout(20, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void aJobWithAnotherHomeThatLeftItsSessionKeepsTheMachineUp() throws Exception {
        assertKept(start("", RunTag.next(MEMBER)), "keep busy: 1 process(es) of fleet commands still running");
    }

    @Test
    void theSameUnderALoginScope() throws Exception {
        try (LoginScope scope = LoginScope.required()) {
            assertKept(start(scope.enter() + " && ", RunTag.next(MEMBER)), "keep busy: 1 process(es) of fleet commands still running");
        }
    }

    /** Another member's job with another HOME is not this guard's to count by its tag... */
    @Test
    void anotherMembersJobWithAnotherHomeIsNotCountedByItsTag() throws Exception {
        start("", RunTag.next("1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5"));
        assertThat(decideAt(50)).contains("poweroff idle for 50 min");
    }

    /** ...but a login-scope check never skips what the tag check did not count: in the scope, it keeps the machine up. */
    @Test
    void aTaggedJobTheTagCheckLeavesOutIsSeenInTheLoginScope() throws Exception {
        try (LoginScope scope = LoginScope.required()) {
            assertKept(start(scope.enter() + " && ", RunTag.next("1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5")),
                    "keep busy: 1 fleet command(s) still running, found by their session or login scope");
        }
    }

    /** Runs {@link #JOB} through fleet's wrapper in a new session, as sshd starts a command; returns the run id. */
    private String start(String prefix, String runId) throws Exception {
        String wrapper = OsCommands.forOs(MemberOs.LINUX).remoteCommand(JOB, work.toString(), runId);
        String out = bash("exec setsid bash -c " + ShellQuote.posix(prefix + "exec bash -c " + ShellQuote.posix(wrapper)) + "\n");
        Matcher m = Pattern.compile("job=(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        job = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
        Thread.sleep(300);
        // The wrapper refreshed the heartbeat (a command in the work folder): back to the test's clock.
        Files.setLastModifiedTime(fakes.guardFolder().resolve("heartbeat"), FileTime.fromMillis(base * 1000));
        String env = Files.readString(Path.of("/proc/" + job.pid() + "/environ"), StandardCharsets.ISO_8859_1);
        assertThat(env).as("the job carries the run id and another HOME").contains("FLEET_RUN_ID=" + runId, "HOME=/tmp/elsewhere");
        return runId;
    }

    private void assertKept(String runId, String reason) throws Exception {
        // Fleet's own look, on the same machine, sees the job by its tag...
        String seen = bash(OsCommands.forOs(MemberOs.LINUX).fleetCommands(OsCommands.runTag(MEMBER)).orElseThrow() + "\n");
        if (runId.startsWith(OsCommands.runTag(MEMBER))) {
            assertThat(seen).contains("FLEET_RUN_ID=" + runId);
        }
        // ...and so does the guard.
        assertThat(decideAt(50)).contains(reason).doesNotContain("poweroff");
        assertThat(job.isAlive()).isTrue();
        assertThat(fakes.powerOffs()).isEmpty();
    }

    private String decideAt(long minutes) throws Exception {
        fakes.now(base + minutes * 60);
        List<String> lines = bash("exec bash \"$HOME/.fleet/guard/run-once\"\n").lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Runs a bash script as the member's user, with its HOME; returns its output. */
    private String bash(String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-s").redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
