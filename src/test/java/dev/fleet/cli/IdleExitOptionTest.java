package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --idle-exit} as picocli reads it for {@code fleet daemon} and {@code fleet daemon restart}. */
class IdleExitOptionTest {
    /**
     * A huge value was taken and then crashed the new daemon with a long overflow (after restart had
     * stopped the running one); the largest long gave "cannot convert ... (ArithmeticException)".
     */
    @Test
    void aDurationLongerThanAYearIsRefusedNamingTheOptionAndTheRule() {
        for (String[] args : new String[][] {{"--idle-exit", "99999999999999h"}, {"restart", "--idle-exit", "9223372036854775807h"}}) {
            String value = args[args.length - 1];
            assertThatThrownBy(() -> new CommandLine(new DaemonCommand()).parseArgs(args))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessage("Invalid value for option '--idle-exit': '" + value + "' is longer than 365 days, the most fleet takes");
        }
        assertThatThrownBy(() -> new CommandLine(new DaemonCommand()).parseArgs("--idle-exit", "\u001b[2Jsoon"))
                .hasMessage("Invalid value for option '--idle-exit': '\\u001b[2Jsoon' is not 0 or a whole number with s, m or h "
                        + "(e.g. 90s, 30m, 2h)");
    }

    @Test
    void aYearIsTaken() {
        DaemonCommand daemon = new DaemonCommand();
        new CommandLine(daemon).parseArgs("--idle-exit", "8760h");
        assertThat(daemon.options.idleExit).isEqualTo(Duration.ofDays(365));
    }
}
