package dev.fleet.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRpcGateTest {
    private final ObjectMapper json = new ObjectMapper();
    private final JsonRpcGate gate = new JsonRpcGate(json);

    private JsonNode rejected(String line) throws Exception {
        JsonRpcGate.Verdict v = gate.check(line);
        assertThat(v).as(line).isInstanceOf(JsonRpcGate.Rejected.class);
        return json.readTree(((JsonRpcGate.Rejected) v).errorResponse());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "this is not json                                   | -32700 | null",
        "{\"jsonrpc\":\"2.0\",\"id\":1,                      | -32700 | null",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}] | -32600 | null",
        "42                                                 | -32600 | null",
        "{\"jsonrpc\":\"2.0\",\"id\":10}                     | -32600 | 10",
        "{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"ping\"} | -32600 | a",
        "{\"id\":7,\"method\":\"ping\"}                      | -32600 | 7",
        "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"} | -32600 | null",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":5}          | -32600 | 3",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":[1]} | -32600 | 3",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{},\"error\":{}} | -32600 | 4",
        "{\"jsonrpc\":\"2.0\"}                              | -32600 | null"})
    void badInputIsAnsweredWithTheRightCodeAndTheIdWhenReadable(String line, int code, String id) throws Exception {
        JsonNode error = rejected(line.strip());
        assertThat(error.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(error.get("error").get("code").asInt()).isEqualTo(code);
        assertThat(error.get("error").get("message").asText()).isNotBlank();
        if (id.equals("null")) {
            assertThat(error.get("id").isNull()).isTrue();
        } else {
            assertThat(error.get("id").asText()).isEqualTo(id);
        }
    }

    @Test
    void aStringIdStaysAStringAndANumberANumber() throws Exception {
        assertThat(rejected("{\"jsonrpc\":\"1.0\",\"id\":\"7\",\"method\":\"ping\"}").get("id").isTextual()).isTrue();
        assertThat(rejected("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}").get("id").isInt()).isTrue();
    }

    @Test
    void wellFormedMessagesPassWithTheirKind() {
        JsonRpcGate.Accepted request = (JsonRpcGate.Accepted) gate.check(
                "{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"tools/list\",\"params\":{}}");
        assertThat(request.message()).isInstanceOf(McpSchema.JSONRPCRequest.class);
        assertThat(request.requestId()).isEqualTo("r1");
        JsonRpcGate.Accepted note = (JsonRpcGate.Accepted) gate.check("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(note.message()).isInstanceOf(McpSchema.JSONRPCNotification.class);
        assertThat(note.requestId()).isNull();
        JsonRpcGate.Accepted response = (JsonRpcGate.Accepted) gate.check("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}");
        assertThat(response.message()).isInstanceOf(McpSchema.JSONRPCResponse.class);
        assertThat(response.requestId()).isNull();
    }

    @Test
    void aCallWhoseArgumentsAreNotAnObjectIsRefusedWithoutQuotingThem() throws Exception {
        JsonNode error = rejected("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"register_member\","
                + "\"arguments\":\"{\\\"password\\\":\\\"hunter2\\\"}\"}}");
        assertThat(error.get("id").asInt()).isEqualTo(8);
        assertThat(error.get("error").get("code").asInt()).isEqualTo(-32602);
        assertThat(error.toString()).doesNotContain("hunter2");
        assertThat(rejected("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}")
                .get("error").get("code").asInt()).isEqualTo(-32602);
        assertThat(gate.check("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}"))
                .isInstanceOf(JsonRpcGate.Accepted.class);
    }

    @Test
    void aNotificationNoPartOfFleetHandlesIsDroppedUnanswered() {
        // A call whose id a client dropped is a notification; the SDK would log it, arguments and all.
        assertThat(gate.check("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\","
                + "\"arguments\":{\"password\":\"hunter2\"}}}")).isInstanceOf(JsonRpcGate.Ignored.class);
        assertThat(gate.check("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}"))
                .isInstanceOf(JsonRpcGate.Ignored.class);
        assertThat(gate.check("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}"))
                .isInstanceOf(JsonRpcGate.Accepted.class);
    }
}
