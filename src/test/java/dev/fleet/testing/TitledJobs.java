package dev.fleet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job that sets its own process title, as Python's setproctitle does for Ray, celery or vLLM:
 * Perl's {@code $0}, given a title longer than the command line, writes over the environment
 * too, and with it the run id fleet's commands carry.
 */
public final class TitledJobs {
    /** Shell that starts the job detached (it outlives the command) and prints {@code job=<pid>}. */
    public static final String COMMAND =
            "nohup perl -e '$0 = \"trainer \" . (\"x\" x 8000); sleep 120' >/dev/null 2>&1 & echo \"job=$!\"";

    /**
     * Like {@link #COMMAND}, for a daemon: the job also starts a session of its own (as Ray's
     * processes or {@code gunicorn --daemon} do), so the command's session no longer holds it.
     */
    public static final String DAEMON =
            "setsid perl -e '$0 = \"trainer \" . (\"x\" x 8000); sleep 120' </dev/null >/dev/null 2>&1 & echo \"job=$!\"";

    private static final Pattern PID = Pattern.compile("job=(\\d+)");

    private TitledJobs() {
    }

    /** The job {@link #COMMAND} printed, once its title shows and its environment no longer holds a run id. */
    public static ProcessHandle started(String output) throws IOException, InterruptedException {
        long pid = pid(output);
        ProcessHandle job = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the job " + pid + " is not running"));
        // nohup and perl start first; the title comes once perl runs.
        for (int i = 0; i < 1000 && !read(pid, "cmdline").startsWith("trainer"); i++) {
            Thread.sleep(10);
        }
        assertThat(read(pid, "cmdline")).startsWith("trainer");
        assertThat(read(pid, "environ")).as("the job's environment after it set its title").doesNotContain("FLEET_RUN_ID");
        return job;
    }

    /** The pid {@link #COMMAND} printed. */
    public static long pid(String output) {
        Matcher m = PID.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Ends the job and waits for it. */
    public static void end(ProcessHandle job) {
        job.destroyForcibly();
        job.onExit().orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static String read(long pid, String file) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/" + file)), StandardCharsets.ISO_8859_1);
    }
}
