package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String shown() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTerminalGetsOneBarRedrawnInPlaceAndClearedAtTheEnd() {
        ProgressDisplay d = new ProgressDisplay(err, new Terminal(true, true));
        d.update(25, 100.0, "sending data.bin");
        d.update(50, 100.0, "sending data.bin");
        d.clear();
        assertThat(shown()).contains("\r[######                  ]  25% sending data.bin",
                "\r[############            ]  50% sending data.bin").endsWith("\r\u001b[K").doesNotContain("\n");
    }

    @Test
    void elsewhereItPrintsPlainLinesOnlyWhenSomethingChanged() {
        ProgressDisplay d = new ProgressDisplay(err, new Terminal(false, true));
        for (int done = 0; done <= 100; done += 5) {
            d.update(done, 100.0, "sending data.bin");
        }
        d.update(0, null, "waiting for SSH on 10.0.0.7");
        d.update(0, null, "waiting for SSH on 10.0.0.7");
        d.clear();
        assertThat(shown()).doesNotContain("\r", "\u001b").contains("fleet: sending data.bin (0%)\n",
                "fleet: sending data.bin (50%)\n", "fleet: sending data.bin (100%)\n");
        assertThat(shown().lines().filter(l -> l.contains("waiting for SSH"))).hasSize(1);
        assertThat(shown().lines()).hasSize(12);
    }
}
