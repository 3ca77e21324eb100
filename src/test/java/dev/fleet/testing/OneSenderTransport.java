package dev.fleet.testing;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The SDK's stdio client transport, its messages handed over one at a time.
 *
 * <p>Why: it hands a message to its writer through a sink that takes one caller at a time; a
 * second caller spins for at most 100 ms and then fails the call with "Failed to enqueue
 * message". Suites that call one server from several threads at once (calls side by side through
 * one relay) lost a call that way on a loaded machine: a flaw of the test's client, not of the
 * server under test. Each hand-over is quick (the message is queued, not written), so taking
 * them in turn costs the calls nothing.
 */
final class OneSenderTransport implements McpClientTransport {
    private final McpClientTransport transport;
    private final Object turn = new Object();

    OneSenderTransport(McpClientTransport transport) {
        this.transport = transport;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.create(sink -> {
            synchronized (turn) {
                transport.sendMessage(message).subscribe(null, sink::error, sink::success);
            }
        });
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return transport.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        transport.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return transport.closeGracefully();
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return transport.unmarshalFrom(data, type);
    }

    @Override
    public List<String> protocolVersions() {
        return transport.protocolVersions();
    }
}
