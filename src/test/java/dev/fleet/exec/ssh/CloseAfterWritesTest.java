package dev.fleet.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The order a channel's packets leave in when the member closes it: the member's close, arriving
 * while fleet sends, is answered after that packet, never before it.
 */
class CloseAfterWritesTest {
    private final List<String> wire = new CopyOnWriteArrayList<>();
    private final CloseAfterWrites writes = new CloseAfterWrites();

    @Test
    void aCloseThatArrivesDuringASendIsAnsweredAfterIt() throws Exception {
        CountDownLatch closeArrived = new CountDownLatch(1);
        CompletableFuture<Void> writer = sendingUntil(closeArrived, () -> {
            wire.add("data");
            return null;
        });
        writes.memberClosed(() -> wire.add("close"));
        assertThat(wire).as("held while the data is on its way").isEmpty();
        closeArrived.countDown();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(wire).containsExactly("data", "close");
    }

    @Test
    void aCloseWithNothingBeingSentIsAnsweredAtOnceAndLaterWritesAreDropped() throws Exception {
        writes.write(() -> {
            wire.add("data");
            return null;
        });
        writes.memberClosed(() -> wire.add("close"));
        assertThat(wire).containsExactly("data", "close");
        org.apache.sshd.common.io.IoWriteFuture late = writes.write(() -> {
            wire.add("late");
            return null;
        });
        assertThat(late.isDone()).isTrue();
        assertThat(late.isWritten()).isFalse();
        assertThat(late.getException()).isInstanceOf(EOFException.class).hasMessage("the member closed the channel");
        assertThat(wire).containsExactly("data", "close");
    }

    @Test
    void aSendThatFailsStillAnswersTheHeldClose() throws Exception {
        CountDownLatch closeArrived = new CountDownLatch(1);
        CompletableFuture<Void> writer = sendingUntil(closeArrived, () -> {
            throw new java.io.IOException("broken pipe");
        });
        writes.memberClosed(() -> wire.add("close"));
        closeArrived.countDown();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(wire).containsExactly("close", "failed: broken pipe");
    }

    /** A write on another thread, in its send once this returns; the send goes on ({@code then}) once {@code release} opens. */
    private CompletableFuture<Void> sendingUntil(CountDownLatch release, CloseAfterWrites.Send then) throws InterruptedException {
        CountDownLatch sending = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                writes.write(() -> {
                    sending.countDown();
                    await(release);
                    return then.go();
                });
            } catch (java.io.IOException e) {
                wire.add("failed: " + e.getMessage());
            }
        });
        assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
        return writer;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
