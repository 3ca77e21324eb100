package dev.fleet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The test client's transport hands its messages over one at a time, whatever the number of threads calling. */
class OneSenderTransportTest {
    @Test
    void messagesFromManyThreadsAreHandedOverOneAtATime() throws Exception {
        Overlaps inner = new Overlaps();
        OneSenderTransport transport = new OneSenderTransport(inner);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                McpSchema.JSONRPCNotification message = new McpSchema.JSONRPCNotification("2.0", "n" + i, null);
                sends.add(CompletableFuture.runAsync(() -> transport.sendMessage(message).block(), threads));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(inner.handed.get()).isEqualTo(60);
        assertThat(inner.mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void aMessageTheTransportRefusesFailsItsSend() {
        Overlaps inner = new Overlaps();
        inner.refuse = true;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OneSenderTransport(inner)
                .sendMessage(new McpSchema.JSONRPCNotification("2.0", "n", null)).block())
                .hasMessageContaining("refused");
    }

    /** A transport that notes how many hand-overs overlap, each taking a moment. */
    private static final class Overlaps implements McpClientTransport {
        final AtomicInteger handed = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        private final AtomicInteger now = new AtomicInteger();
        volatile boolean refuse;

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.defer(() -> {
                if (refuse) {
                    return Mono.error(new IllegalStateException("refused"));
                }
                int at = now.incrementAndGet();
                mostAtOnce.accumulateAndGet(at, Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now.decrementAndGet();
                handed.incrementAndGet();
                return Mono.empty();
            });
        }

        @Override
        public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            throw new UnsupportedOperationException();
        }
    }
}
