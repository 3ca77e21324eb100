package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place where failures become error results, and what it leaves in the log. */
class ToolRunnerTest {

    /** A tool that fails the way a bug would, with a message that quotes its input. */
    private static final class Failing implements Tool {
        @Override
        public String name() {
            return "failing";
        }

        @Override
        public String description() {
            return "fails";
        }

        @Override
        public ParamSpec params() {
            return ParamSpec.of(Param.string("text", "quoted by the failure"), Param.string("token", "a secret").secret());
        }

        @Override
        public ToolResult call(ToolInput in, ToolCall call) {
            throw new IllegalStateException("could not handle '" + in.string("text") + "' with " + in.string("token"),
                    new IllegalArgumentException("cause quoting " + in.string("text")));
        }
    }

    @Test
    void anUnexpectedFailureIsLoggedByTypeAndPlaceButNeverByItsMessage() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        ToolResult r;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r = new ToolRunner(List.of(new Failing())).run("failing",
                    Map.of("text", "private-input-4711", "token", "tok-secret-0815"), ToolCall.NONE);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("failing failed unexpectedly", "java.lang.IllegalStateException",
                "java.lang.IllegalArgumentException", "ToolRunnerTest");
        assertThat(log).doesNotContain("private-input-4711").doesNotContain("tok-secret-0815");
        // The caller sent the input; it gets the message back, with the secret redacted.
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).contains("private-input-4711").doesNotContain("tok-secret-0815");
    }

    /** A tool that forgets its member, as remove_member does, and quotes what the member printed on the way. */
    private static final class Forgetting implements Tool {
        final java.util.concurrent.atomic.AtomicBoolean forgotten = new java.util.concurrent.atomic.AtomicBoolean();

        @Override
        public String name() {
            return "forgetting";
        }

        @Override
        public String description() {
            return "forgets the member";
        }

        @Override
        public ParamSpec params() {
            return ParamSpec.of(Param.string("member_name", "the member"));
        }

        @Override
        public ToolResult call(ToolInput in, ToolCall call) {
            forgotten.set(true);
            return ToolResult.ok("Removed. Warning: the cleanup printed ++ export ANTHROPIC_API_KEY=sk-held-key-0123456789");
        }
    }

    @Test
    void whatTheMemberHeldBeforeTheCallIsStarredAlsoWhenTheCallForgetsTheMember() {
        Forgetting tool = new Forgetting();
        // The member's key is held until the call forgets the member.
        ToolRunner.HeldSecrets held = input -> tool.forgotten.get() ? List.of() : List.of("sk-held-key-0123456789");

        ToolResult r = new ToolRunner(List.of(tool), Map.of(), ToolRunner.ResultNotes.NONE, held)
                .run("forgetting", Map.of("member_name", "gone"), ToolCall.NONE);

        assertThat(r.text()).contains("Removed.", "ANTHROPIC_API_KEY=").doesNotContain("sk-held-key-0123456789");
    }
}
