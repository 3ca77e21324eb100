package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote command's input: what the caller gives arrives whole, and a command given none sees
 * end of file at once (a command that reads its input must not wait for its time limit), with no
 * input pump thread started for it.
 */
class SshCommandInputTest {
    /** In the name MINA gives the thread that pumps a channel's input stream. */
    private static final String PUMP_THREAD = "ClientInputStreamPump";

    @TempDir
    Path tmp;
    SshChannelFixture ssh;

    @BeforeEach
    void setUp() throws Exception {
        ssh = new SshChannelFixture(tmp);
    }

    @AfterEach
    void tearDown() throws Exception {
        ssh.close();
    }

    @Test
    void aCommandGivenNoInputSeesItsEndAtOnce() throws Exception {
        CommandResult r = ssh.channel.exec(CommandRequest.probe("cat; echo read-to-the-end", Duration.ofSeconds(20)));

        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("read-to-the-end\n");
    }

    @Test
    void inputGivenArrivesWholeAndEnds() throws Exception {
        byte[] input = "first line\nsecond line\n".repeat(5_000).getBytes(StandardCharsets.UTF_8);

        CommandResult r = ssh.channel.exec(CommandRequest.probe("wc -c; echo done", Duration.ofSeconds(20)).withStdin(input));

        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout().lines().map(String::strip).toList()).containsExactly(String.valueOf(input.length), "done");
    }

    @Test
    void aCommandGivenNoInputStartsNoPumpThread() throws Exception {
        assertThat(pumpsSeenWhileItRuns(CommandRequest.probe("sleep 2; echo slept", Duration.ofSeconds(20)))).isEmpty();
    }

    @Test
    void aCommandGivenInputHasItsPumpWhileItRuns() throws Exception {
        // The other side of the test above: the look does see a pump where there is one.
        assertThat(pumpsSeenWhileItRuns(CommandRequest.probe("cat >/dev/null; sleep 2; echo slept", Duration.ofSeconds(20))
                .withStdin("x".getBytes(StandardCharsets.UTF_8)))).isNotEmpty();
    }

    /** Runs a command that prints "slept" after 2 s, looking at the threads meanwhile (40 looks, 50 ms apart). */
    private Set<String> pumpsSeenWhileItRuns(CommandRequest request) throws Exception {
        CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return ssh.channel.exec(request);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Set<String> pumps = new TreeSet<>();
        for (int i = 0; i < 40 && !running.isDone(); i++) {
            pumps.addAll(pumpThreads());
            Thread.sleep(50);
        }
        assertThat(running.get(20, TimeUnit.SECONDS).stdout()).isEqualTo("slept\n");
        return pumps;
    }

    private static List<String> pumpThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.contains(PUMP_THREAD)).toList();
    }
}
