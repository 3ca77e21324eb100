package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code fleet call}'s JSON arguments: one object, each key once, or nothing is called. */
class CallArgumentsTest {
    private static String refused(String json) {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class, () -> CallCommand.arguments(json));
        assertThat(e).as(json).isNotNull();
        return CallCommand.refusal(e);
    }

    @Test
    void anObjectIsItsArguments() throws Exception {
        assertThat(CallCommand.arguments("{\"member_name\":\"good\",\"command\":\"echo ran\"}\n"))
                .isEqualTo(Map.of("member_name", "good", "command", "echo ran"));
        assertThat(CallCommand.arguments("  ")).isEmpty();
    }

    /** The command ran before, the rest ignored. */
    @Test
    void textAfterTheObjectIsRefusedWithoutQuotingIt() {
        String said = refused("{\"member_name\":\"good\",\"command\":\"echo ran\"} garbage-s3cret {{{");
        assertThat(said).startsWith("Invalid input: JSON must be one JSON object of arguments with nothing after it")
                .contains("(line 1, column ").endsWith("nothing was called").doesNotContain("garbage").doesNotContain("s3cret");
        assertThat(refused("{\"a\":1} {\"b\":2}")).contains("nothing after it");
    }

    /** The second "command" ran before. */
    @Test
    void aKeyGivenTwiceIsRefusedWithoutQuotingIt() {
        String said = refused("{\"member_name\":\"good\",\n\"command\":\"echo one\",\n\"command\":\"echo s3cret\"}");
        assertThat(said).startsWith("Invalid input: JSON names the same argument twice (line 3, column ")
                .doesNotContain("command").doesNotContain("s3cret").doesNotContain("echo");
    }

    @Test
    void malformedJsonStillSaysWhereOnly() {
        assertThat(refused("{\"token\": s3cret}")).isEqualTo("Invalid input: JSON must be a JSON object of arguments; this is not one "
                + "(line 1, column 11)").doesNotContain("s3cret");
    }
}
