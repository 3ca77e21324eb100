package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.settings.RelaySettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data recording runs a short relay of its own. With no daemon answering, that
 * relay gives up at once: it never starts a daemon (a user's `fleet daemon stop` may have just
 * stopped the only one), and it says so, with an exit code that makes the launcher record nothing.
 */
class RelayRecordingTest {
    @TempDir
    Path tmp;

    @Test
    void aRecordingRelayWithNoDaemonStartsNoneAndEndsWithAFailure() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        RelaySettings settings = RelaySettings.from(Map.of("HOME", tmp.toString(), "APRA_FLEET_DATA_DIR", data.toString(),
                RelaySettings.RECORDING, "1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Relay relay = new Relay(settings, "test-build", out, new PrintStream(log, true, StandardCharsets.UTF_8), code -> {
        });

        int code = relay.pump(new ByteArrayInputStream(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}\n")
                .getBytes(StandardCharsets.UTF_8)));

        assertThat(code).isEqualTo(1);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("class-data recording starts none");
        assertThat(out.size()).isZero();
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files).as("no daemon was started: no lock, socket or log").isEmpty();
        }
    }
}
