package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.member.MemberOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a Linux member a stream's copy tool reads from a pipe widened to 1 MiB where perl is there,
 * and from the pipe as it was, silently, where it is not. The member's real scripts run in bash
 * with a pipe on stdin, as sshd gives one; a {@code dd} first on the PATH says what it was
 * given, by the pipe's own size ({@code F_GETPIPE_SZ}).
 */
class StreamedWritePipeTest {
    private static final OsCommands LINUX = OsCommands.forOs(MemberOs.LINUX);

    @TempDir
    Path tmp;
    private Path tools;
    private String perl;

    @BeforeEach
    void ddThatTellsItsPipe() throws Exception {
        ShellRun which = ShellRun.of(new ProcessBuilder("bash", "-c", "command -v perl"));
        org.junit.jupiter.api.Assumptions.assumeTrue(which.exit() == 0, "perl is not installed here");
        perl = which.stdout().strip();
        tools = Files.createDirectories(tmp.resolve("tools"));
        Path dd = tools.resolve("dd");
        Files.writeString(dd, "#!/bin/sh\nexec " + perl + " -e 'print fcntl(STDIN, 1032, 0)'\n");
        Files.setPosixFilePermissions(dd, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void theCopyToolReadsAPipeOfOneMebibyte() throws Exception {
        String path = tools + ":" + Path.of(perl).getParent() + ":/usr/bin:/bin";
        assertThat(run(LINUX.streamedWrite(tmp.resolve("f").toString(), false).orElseThrow(), path).stdout())
                .isEqualTo("1048576");
        assertThat(run(LINUX.streamedWriteAt(tmp.resolve("f").toString(), 3).orElseThrow(), path).stdout())
                .isEqualTo("1048576");
    }

    @Test
    void withoutPerlTheCopyToolReadsThePipeAsItWasAndNothingIsSaid() throws Exception {
        ShellRun run = run(LINUX.streamedWrite(tmp.resolve("f").toString(), false).orElseThrow(), tools.toString());
        assertThat(run.stdout()).isEqualTo("65536");
        assertThat(run.stderr()).isEmpty();
        assertThat(run.exit()).isZero();
    }

    @Test
    void otherSystemsStreamsAreLeftAsTheyAre() {
        assertThat(OsCommands.forOs(MemberOs.MACOS).streamedWrite("/tmp/f", false).orElseThrow()).doesNotContain("perl");
        assertThat(LINUX.streamedWrite("/dev/null", true).orElseThrow()).doesNotContain("perl");
    }

    private static ShellRun run(String script, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", script);
        pb.environment().put("PATH", path);
        return ShellRun.of(pb);
    }
}
