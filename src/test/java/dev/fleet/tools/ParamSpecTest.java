package dev.fleet.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import dev.fleet.Fleet;
import dev.fleet.testing.TestHome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParamSpecTest {
    private final ParamSpec spec = ParamSpec.of(
            Param.string("name", "n").matching("[a-z]{1,5}", "must be 1-5 lowercase letters").required(),
            Param.integer("count", "c", 1, 10).withDefault(3L),
            Param.bool("flag", "f"),
            Param.stringList("items", "i"),
            Param.oneOf("mode", "m", "fast", "slow"),
            Param.string("pw", "p").length(1, 10).secret());

    @Test
    void appliesDefaultsAndKeepsWhatWasGiven() {
        ToolInput in = spec.parse(Map.of("name", "abc"));
        assertThat(in.integer("count")).isEqualTo(3);
        assertThat(in.given("count")).isFalse();
        assertThat(in.given("name")).isTrue();
        assertThat(in.bool("flag")).isFalse();
    }

    @Test
    void aRefusedValueIsQuotedBackBoundedWithControlCharactersEscaped() {
        assertThatThrownBy(() -> spec.parse(Map.of("name", "A".repeat(100_000))))
                .hasMessage("Invalid input: name must be 1-5 lowercase letters, got '" + "A".repeat(40) + "…'");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "X\u001b[2J\nY\u202e")))
                .hasMessage("Invalid input: name must be 1-5 lowercase letters, got 'X\\u001b[2J\\u000aY\\u202e'");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "mode", "m\r\n" + "m".repeat(50))))
                .hasMessageContaining("mode must be one of fast, slow, got 'm\\u000d\\u000a" + "m".repeat(37) + "…'");
        // Never half of a character: a cut lands between code points.
        assertThatThrownBy(() -> spec.parse(Map.of("name", "😀".repeat(30))))
                .hasMessage("Invalid input: name must be 1-5 lowercase letters, got '" + "😀".repeat(20) + "…'");
    }

    @Test
    void everyViolationNamesTheParameterAndTheRule() {
        assertThatThrownBy(() -> spec.parse(Map.of())).hasMessage("Invalid input: name is required");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "ABC"))).hasMessageContaining("name must be 1-5 lowercase letters, got 'ABC'");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "count", 11))).hasMessageContaining("count must be from 1 to 10, got 11");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "count", 1.5))).hasMessageContaining("count must be a whole number");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "flag", "yes"))).hasMessageContaining("flag must be true or false");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "items", "x"))).hasMessageContaining("items must be a list of strings");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "items", List.of(1)))).hasMessageContaining("items must contain only strings");
        // A null inside a list (JSON [null]) is named like any other wrong item, not a crash of the check.
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "items", java.util.Arrays.asList("x", null))))
                .hasMessageContaining("items must contain only strings, got null");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "mode", "medium"))).hasMessageContaining("mode must be one of fast, slow");
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "extra", 1))).hasMessageContaining("extra is not a parameter");
        assertThat(spec.parse(Map.of("name", "a", "count", 2.0)).integer("count")).isEqualTo(2);
    }

    /** A NUL reaches no shell and no SSH server (OpenSSH drops the whole connection over one), whatever the parameter. */
    @Test
    void noParameterHoldsANulCharacter() {
        ParamSpec free = ParamSpec.of(Param.string("command", "c"), Param.stringList("paths", "p"), Param.string("key", "k").secret());
        assertThatThrownBy(() -> free.parse(Map.of("command", "a\u0000b")))
                .hasMessage("Invalid input: command must not contain a NUL character (U+0000)");
        assertThatThrownBy(() -> free.parse(Map.of("paths", List.of("ok", "x\u0000y"))))
                .hasMessage("Invalid input: paths must not contain a NUL character (U+0000)");
        assertThatThrownBy(() -> free.parse(Map.of("key", "s3cr3t\u0000")))
                .hasMessage("Invalid input: key must not contain a NUL character (U+0000)");
        assertThat(free.parse(Map.of("command", "a\tb\u0001")).string("command")).isEqualTo("a\tb\u0001");
    }

    @Test
    void aSecretNeverAppearsInAnErrorOrAResult() {
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "pw", "hunter2-but-too-long")))
                .hasMessageContaining("pw must be")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        // A client may send a numeric password as a JSON number: the error names its kind only.
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "pw", 12345678)))
                .hasMessageContaining("pw must be a string, got a number")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("12345678"));
        assertThatThrownBy(() -> spec.parse(Map.of("name", "a", "pw", List.of("hunter2"))))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        Tool echo = new Tool() {
            public String name() { return "echo"; }
            public String description() { return "d"; }
            public ParamSpec params() { return spec; }
            public ToolResult call(ToolInput in, ToolCall call) {
                throw new ToolException("could not log in with " + in.string("pw"));
            }
        };
        ToolResult r = new ToolRunner(List.of(echo)).run("echo", Map.of("name", "a", "pw", "hunter2"), ToolCall.NONE);
        assertThat(r.isError()).isTrue();
        assertThat(r.text()).doesNotContain("hunter2").contains("********");
    }

    /** A service may quote a secret back in what becomes structured data (a check's text): it is starred there too. */
    record Check(String text, int attempt) {
    }

    @Test
    void aSecretIsStarredOutOfStructuredDataAllThrough() {
        Tool quoting = new Tool() {
            public String name() { return "quoting"; }
            public String description() { return "d"; }
            public ParamSpec params() { return spec; }
            public ToolResult call(ToolInput in, ToolCall call) {
                String pw = in.string("pw");
                Map<String, Object> data = new java.util.LinkedHashMap<>();
                data.put("verification", List.of("Bad credentials: you sent Bearer " + pw));
                data.put("nested", Map.of("key-" + pw, com.fasterxml.jackson.databind.node.TextNode.valueOf(pw)));
                data.put("check", new Check("sent " + pw, 1));
                data.put("count", 3);
                return ToolResult.ok("checked", data);
            }
        };
        ToolResult r = new ToolRunner(List.of(quoting)).run("quoting", Map.of("name", "a", "pw", "hunter2"), ToolCall.NONE);
        String shown = r.structured().toString();
        assertThat(shown).doesNotContain("hunter2").contains("Bearer ********", "key-********", "sent ********", "count=3");
    }

    @Test
    void aSecretWhoseStarsWouldGiveItAwayIsLeftAsTheResultHasIt() {
        Tool greet = new Tool() {
            public String name() { return "greet"; }
            public String description() { return "d"; }
            public ParamSpec params() { return spec; }
            public ToolResult call(ToolInput in, ToolCall call) {
                return ToolResult.ok("registered " + in.string("name") + "@host, an ordinary sentence");
            }
        };
        ToolRunner runner = new ToolRunner(List.of(greet));
        // The password is the user name: stars in place of the name would say so.
        assertThat(runner.run("greet", Map.of("name", "alice", "pw", "alice"), ToolCall.NONE).text())
                .isEqualTo("registered alice@host, an ordinary sentence");
        // A password of one letter would star out every such letter of the text, and show itself.
        assertThat(runner.run("greet", Map.of("name", "a", "pw", "o"), ToolCall.NONE).text())
                .isEqualTo("registered a@host, an ordinary sentence");
        // Any other password is still starred wherever it appears.
        assertThat(runner.run("greet", Map.of("name", "abc", "pw", "ordinary"), ToolCall.NONE).text())
                .isEqualTo("registered abc@host, an ******** sentence");
    }

    @Test
    void everyToolSchemaIsValidJsonSchemaAndDescribesEveryParameter(@TempDir Path tmp) throws Exception {
        try (Fleet fleet = new Fleet(new TestHome(tmp).env(), Clock.systemUTC(), () -> { })) {
            // The SDK's own schema engine, which fleet leaves out of the server to start faster.
            JsonSchemaValidator sdk = new DefaultJsonSchemaValidator(new ObjectMapper());
            for (Tool tool : fleet.tools().tools()) {
                Map<String, Object> schema = tool.params().jsonSchema();
                assertThat(sdk.validateSchema(schema).valid()).as(tool.name() + " schema").isTrue();
                assertThat(tool.description()).as(tool.name()).hasSizeGreaterThan(80);
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> props = (Map<String, Map<String, Object>>) schema.get("properties");
                props.forEach((name, p) -> assertThat((String) p.get("description")).as(tool.name() + "." + name).isNotBlank());
            }
            Map<String, Object> registration = fleet.tools().tools().get(0).params().jsonSchema();
            assertThat(sdk.validate(registration, Map.of("friendly_name", "a", "work_folder", "/w")).valid()).isTrue();
            assertThat(sdk.validate(registration, Map.of("friendly_name", "a b", "work_folder", "/w")).valid()).isFalse();
            assertThat(sdk.validate(registration, Map.of("friendly_name", "a", "work_folder", "/w", "port", 0)).valid()).isFalse();
        }
    }
}
