package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LineScanTest {
    @Test
    void readsMethodAndIdAsJsonTextSoOneAndQuotedOneDiffer() {
        LineScan number = LineScan.of("{\"jsonrpc\":\"2.0\",\"params\":{\"id\":99,\"method\":\"x\"},\"id\":1,\"method\":\"tools/call\"}");
        assertThat(number.method()).isEqualTo("tools/call");
        assertThat(number.id()).isEqualTo("1");
        assertThat(number.isRequest()).isTrue();
        LineScan text = LineScan.of("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\"}");
        assertThat(text.id()).isEqualTo("\"1\"");
        assertThat(LineScan.of("{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"result\":{}}").id()).isEqualTo("\"a\\\"b\"");
    }

    @Test
    void responsesNotificationsAndJunk() {
        assertThat(LineScan.of("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"ok\":true}}").isResponse()).isTrue();
        LineScan note = LineScan.of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(note.isRequest()).isFalse();
        assertThat(note.isResponse()).isFalse();
        assertThat(LineScan.of("not json")).isEqualTo(LineScan.NONE);
        assertThat(LineScan.of("[1,2]")).isEqualTo(LineScan.NONE);
        assertThat(LineScan.of("{\"id\":1,")).isEqualTo(LineScan.NONE);
    }

    @Test
    void aResponseIsKnownByItsIdAndResultWithoutReadingTheResultThrough() {
        // A 40 KB tools/list answer is relayed as it is: the scan stops once id and result are seen.
        String big = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"tools\":[" + "{\"name\":\"x\"},".repeat(5000);
        LineScan scan = LineScan.of(big);
        assertThat(scan.isResponse()).isTrue();
        assertThat(scan.id()).isEqualTo("7");
        assertThat(LineScan.of("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1},\"id\":\"e\"}").id()).isEqualTo("\"e\"");
        assertThat(LineScan.of("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1},\"id\":\"e\"}").isResponse()).isTrue();
    }

    @Test
    void errorAnswersAreValidJsonRpcWithTheSameId() throws Exception {
        var error = new ObjectMapper().readTree(LineScan.error("\"x\\ny\"", -32000, "daemon \"gone\"\nnext line"));
        assertThat(error.get("id").asText()).isEqualTo("x\ny");
        assertThat(error.get("error").get("code").asInt()).isEqualTo(-32000);
        assertThat(error.get("error").get("message").asText()).isEqualTo("daemon \"gone\"\nnext line");
    }
}
