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
}
