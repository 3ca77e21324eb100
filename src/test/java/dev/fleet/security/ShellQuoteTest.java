package dev.fleet.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShellQuoteTest {
    @Test
    void quotingKeepsEveryCharacterLiteral() throws Exception {
        String hostile = "a'b \"c\" $(x) `y` ; z \\ \n end";
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf %s " + ShellQuote.posix(hostile)).start();
        assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo(hostile);
        assertThat(ShellQuote.powershell("it's")).isEqualTo("'it''s'");
    }
}
