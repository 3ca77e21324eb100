package dev.fleet.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Set;

/**
 * Checks one inbound text (a stdio line or an HTTP body) before it reaches the MCP SDK, which
 * ends the whole session on anything it cannot read. Input that is not JSON is answered with a
 * JSON-RPC Parse error (-32700), JSON that is not a JSON-RPC 2.0 message with Invalid Request
 * (-32600); either way the session carries on.
 *
 * <p>Nothing a client sends reaches the SDK in a form the SDK would log or answer with in full
 * (its logs and errors print the whole message, a password among the arguments included): a
 * {@code tools/call} whose arguments are not an object (a client that encoded them twice) is
 * answered with Invalid params (-32602) here, and a notification the server has no use for (a
 * {@code tools/call} sent without its id, say) is dropped, as JSON-RPC lets a server do.
 */
public final class JsonRpcGate {
    /** The notifications the SDK's server handles; any other it would only log, whole. */
    private static final Set<String> HANDLED_NOTIFICATIONS = Set.of(McpSchema.METHOD_NOTIFICATION_INITIALIZED,
            McpSchema.METHOD_NOTIFICATION_ROOTS_LIST_CHANGED);
    private final ObjectMapper mapper;

    public JsonRpcGate(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** What became of one inbound text. */
    public sealed interface Verdict permits Accepted, Rejected, Ignored {
    }

    /** A well-formed message for the SDK; {@code requestId} is set for requests (they await an answer). */
    public record Accepted(McpSchema.JSONRPCMessage message, Object requestId) implements Verdict {
    }

    /** A notification no part of fleet handles: not answered (a notification never is) and not passed on. */
    public record Ignored() implements Verdict {
    }

    /** The JSON-RPC error response to send back instead (one line of JSON). */
    public record Rejected(String errorResponse, int code) implements Verdict {
    }

    public Verdict check(String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return reject(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the message is not valid JSON");
        }
        if (node == null || node.isMissingNode()) {
            return reject(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the message is empty");
        }
        if (!node.isObject()) {
            return reject(null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: a message must be a JSON object (batches are not supported)");
        }
        JsonNode id = node.get("id");
        JsonNode echoId = id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null;
        if (!"2.0".equals(text(node.get("jsonrpc")))) {
            return reject(echoId, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        }
        if (id != null && echoId == null) {
            return reject(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: \"id\" must be a string or an integer");
        }
        JsonNode method = node.get("method");
        JsonNode params = node.get("params");
        try {
            if (method != null) {
                if (!method.isTextual() || method.asText().isEmpty()) {
                    return reject(echoId, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: \"method\" must be a non-empty string");
                }
                if (params != null && !params.isObject() && !params.isNull()) {
                    return reject(echoId, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: \"params\" must be an object");
                }
                if (echoId == null) {
                    if (!HANDLED_NOTIFICATIONS.contains(method.asText())) {
                        return new Ignored();
                    }
                    return new Accepted(mapper.treeToValue(node, McpSchema.JSONRPCNotification.class), null);
                }
                if (McpSchema.METHOD_TOOLS_CALL.equals(method.asText()) && !toolCallShaped(params)) {
                    return reject(echoId, McpSchema.ErrorCodes.INVALID_PARAMS,
                            "Invalid params: tools/call needs \"name\" (a string) and \"arguments\" (an object)");
                }
                McpSchema.JSONRPCRequest request = mapper.treeToValue(node, McpSchema.JSONRPCRequest.class);
                return new Accepted(request, request.id());
            }
            if (echoId == null) {
                return reject(null, McpSchema.ErrorCodes.INVALID_REQUEST,
                        "Invalid Request: a message needs a \"method\" (request or notification) or an \"id\" with a \"result\" or \"error\" (response)");
            }
            if (node.has("result") == node.has("error")) {
                return reject(echoId, McpSchema.ErrorCodes.INVALID_REQUEST,
                        "Invalid Request: a message with an \"id\" needs a \"method\", or exactly one of \"result\" and \"error\"");
            }
            return new Accepted(mapper.treeToValue(node, McpSchema.JSONRPCResponse.class), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return reject(echoId, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: the message does not have the JSON-RPC shape");
        }
    }

    /** A JSON-RPC error response line for {@code id} (null when the id could not be read). */
    public String errorResponse(Object id, int code, String message) {
        return reject(id == null ? null : mapper.valueToTree(id), code, message).errorResponse();
    }

    private Rejected reject(JsonNode id, int code, String message) {
        ObjectNode response = mapper.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id == null ? mapper.nullNode() : id);
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return new Rejected(response.toString(), code);
    }

    private static boolean toolCallShaped(JsonNode params) {
        if (params == null || !params.isObject() || !params.path("name").isTextual()) {
            return false;
        }
        JsonNode arguments = params.get("arguments");
        return arguments == null || arguments.isNull() || arguments.isObject();
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
