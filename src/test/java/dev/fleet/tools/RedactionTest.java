package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress messages carry output lines that may be cut mid-secret: the start of one is starred too. */
class RedactionTest {
    private final Redaction redaction = Redaction.of(List.of("sk-ant-0123456789", "hunter2-long"));

    @Test
    void aLineEndingInTheStartOfASecretHasThatStartStarred() {
        assertThat(redaction.tail("key=sk-ant-0123")).isEqualTo("key=********");
        assertThat(redaction.tail("first sk-ant-0123456789 whole\nsecond ends hunter")).isEqualTo(
                "first ******** whole\nsecond ends ********");
        // Three characters tell nothing, and ordinary words stay as they are.
        assertThat(redaction.tail("ask-")).isEqualTo("ask-");
        assertThat(redaction.tail("the hun")).isEqualTo("the hun");
    }

    @Test
    void theAnswersTextStarsWholeSecretsOnlyAndTheLongestFirst() {
        Redaction nested = Redaction.of(List.of("abcd", "xxabcdxx"));
        assertThat(nested.text("a xxabcdxx b abcd c")).isEqualTo("a ******** b ******** c");
        assertThat(redaction.text("ends with sk-ant")).isEqualTo("ends with sk-ant");
        // A member may print a secret encoded (a script that base64s a login): that form is starred too.
        String encoded = java.util.Base64.getEncoder().encodeToString("hunter2-long".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(redaction.text("auth=" + encoded)).isEqualTo("auth=********");
    }

    /**
     * A secret's base64 wrapped over lines (base64 of a key file), streamed: a message holding both
     * lines stars both pieces; one that ends at the first line stars the piece at its end, and one
     * that starts at the second line (the first no longer shown) the piece at its start.
     */
    @Test
    void progressStarsASecretsWrappedBase64WhicheverOfItsLinesTheMessageHolds() {
        String file = "export ANTHROPIC_API_KEY='sk-ant-0123456789'\n";
        String[] lines = java.util.Base64.getMimeEncoder(24, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(file.getBytes(java.nio.charset.StandardCharsets.UTF_8)).split("\n");
        // The key's bytes 26 to 42 are bits 208 to 343, so characters 35 to 56 of the encoding are its own: lines 1 and 2 of 24 columns.
        String[] both = redaction.tail(lines[0] + "\n" + lines[1] + "\n" + lines[2]).split("\n");
        assertThat(both[0]).isEqualTo(lines[0]);
        assertThat(both[1]).isEqualTo(lines[1].substring(0, 11) + "********");
        assertThat(both[2]).isEqualTo("********" + lines[2].substring(9));
        assertThat(redaction.tail(lines[0] + "\n" + lines[1])).endsWith(lines[1].substring(0, 11) + "********");
        assertThat(redaction.tail(lines[2])).isEqualTo("********" + lines[2].substring(9));
    }
}
