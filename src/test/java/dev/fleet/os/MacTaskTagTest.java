package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fleet.member.MemberOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The macOS way of ending a task's processes (they are found by FLEET_TASK_ID in {@code ps -E}'s
 * output), run here behind a {@code ps} that prints what macOS would: only the task's own
 * processes end, not another task's whose id starts the same, nor one that merely mentions it.
 */
class MacTaskTagTest {
    @TempDir
    Path tmp;

    @Test
    void onlyProcessesCarryingTheWholeTaskIdEnd() throws Exception {
        Process own = new ProcessBuilder("sleep", "300").start();
        Process longerId = new ProcessBuilder("sleep", "300").start();
        Process mentions = new ProcessBuilder("sleep", "300").start();
        try {
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path ps = bin.resolve("ps");
            Files.writeString(ps, "#!/bin/sh\ncat <<'PS'\n"
                    + own.pid() + " sleep 300 HOME=/Users/me FLEET_TASK_ID=task-abcd PATH=/usr/bin\n"
                    + longerId.pid() + " sleep 300 HOME=/Users/me FLEET_TASK_ID=task-abcd1234 PATH=/usr/bin\n"
                    + mentions.pid() + " less notes-about-FLEET_TASK_ID=task-abcd-x HOME=/Users/me\n"
                    + "PS\n");
            Files.setPosixFilePermissions(ps, PosixFilePermissions.fromString("rwxr-xr-x"));
            MacOsCommands mac = (MacOsCommands) OsCommands.forOs(MemberOs.MACOS);
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "id=task-abcd; " + mac.killTaskTagged());
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            assertThat(pb.start().waitFor(30, TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(10)).until(() -> !own.isAlive());
            assertThat(longerId.isAlive()).as("another task whose id starts the same").isTrue();
            assertThat(mentions.isAlive()).as("a process that only mentions the id").isTrue();
        } finally {
            own.destroyForcibly();
            longerId.destroyForcibly();
            mentions.destroyForcibly();
        }
    }
}
