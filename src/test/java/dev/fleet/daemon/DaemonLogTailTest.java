package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay reads why a daemon could not start from the log: only what a daemon wrote now, never an old failure. */
class DaemonLogTailTest {
    @TempDir
    Path tmp;

    @Test
    void onlyAFailureWrittenSinceTheTailBeganCounts() throws Exception {
        Path log = Files.writeString(tmp.resolve("daemon.log"), DaemonLogTail.CANNOT_START + "an old reason\n");
        DaemonLogTail tail = new DaemonLogTail(log);
        assertThat(tail.cannotStart()).isEmpty();

        Files.writeString(log, "[main] INFO Daemon - starting\n" + DaemonLogTail.CANNOT_START + "cannot listen on /x/fleet.sock\n",
                StandardOpenOption.APPEND);
        assertThat(tail.cannotStart()).contains("cannot listen on /x/fleet.sock");

        // Rotated meanwhile: the new log is all new.
        Files.writeString(log, DaemonLogTail.CANNOT_START + "after rotation\n");
        assertThat(tail.cannotStart()).contains("after rotation");
    }

    @Test
    void aLogThatEndsWithAFreshFailureIsTheLaunchersDaemons() throws Exception {
        Path log = Files.writeString(tmp.resolve("daemon.log"), "serving\n" + DaemonLogTail.CANNOT_START + "too long\n\n");
        assertThat(DaemonLogTail.endsWithCannotStart(log, Instant.now().minusSeconds(10))).contains("too long");
        assertThat(DaemonLogTail.endsWithCannotStart(log, Instant.now().plusSeconds(10))).as("written before").isEmpty();
        Files.writeString(log, "[main] INFO Daemon - fleet daemon serving\n", StandardOpenOption.APPEND);
        assertThat(DaemonLogTail.endsWithCannotStart(log, Instant.now().minusSeconds(10))).as("a daemon wrote on since").isEmpty();
    }
}
