package dev.fleet.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A shell text run to its end as the member's user would run it: its exit code, stdout and stderr. */
record ShellRun(int exit, String stdout, String stderr) {
    /** Runs the process as {@code pb} sets it up, with nothing on its stdin, for at most 30 s. */
    static ShellRun of(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new ShellRun(p.exitValue(), out, err);
    }
}
