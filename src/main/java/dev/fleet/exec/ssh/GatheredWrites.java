package dev.fleet.exec.ssh;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.io.nio2.Nio2CompletionHandler;
import org.apache.sshd.common.io.nio2.Nio2DefaultIoWriteFuture;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's socket I/O with the packets waiting to be sent handed to the kernel together: one
 * gathering write of every queued packet (up to {@link #MOST_BYTES}) where MINA writes one packet
 * per system call.
 *
 * <p>Why: a large upload queues encrypted packets of 32 KiB (OpenSSH's largest channel packet)
 * while one is being written, and MINA gives each its own system call and its own turn of its
 * I/O thread, where OpenSSH's client writes all it holds at once. A small gain: warm 256 MiB
 * sends went 1-7% faster with it in interleaved pairs (bench S4; docs/decisions.md "Queued
 * packets leave in one socket write").
 *
 * <p>How, without a queue of fleet's own: MINA's session still queues every packet and completes
 * every packet's future; fleet only sees the packets queued behind the one MINA writes, and
 * writes them along with it. A packet written that way is left with nothing remaining, so when
 * MINA's turn comes it completes at once, without a system call. The order of bytes on the
 * socket is MINA's queue order either way.
 *
 * <p>It also keeps a bulk writer from queueing far ahead of the socket ({@link #awaitRoom}): a
 * packet waiting in MINA's queue is a live 32 KiB array on the Java heap, while bytes the kernel
 * has taken cost the heap nothing.
 */
final class GatheredWrites extends Nio2Session {
    /** At most this much in one write (4 of OpenSSH's largest channel packets). */
    static final int MOST_BYTES = 128 * 1024;
    /**
     * At most this many packets in one write. The JDK copies each into a temporary direct buffer
     * that it keeps for the thread: 16 packets a write (512 KiB) left the server about 10 MB larger
     * right after a 256 MiB upload (bench S3), 4 about as large as single writes. And each packet
     * sent along is completed later by MINA, one nested call per packet on the I/O thread's stack.
     */
    static final int MOST_PACKETS = 4;
    /**
     * A bulk writer ({@link #awaitRoom}) writes its next chunk only once no more than this many
     * packets of the connection wait in MINA's queue. Without it, a large upload to a member
     * slower than fleet kept about 16 packets waiting on average and up to the member's whole
     * window (2 MiB): young collections met them alive, and those promoted grew the heap (bench
     * S3: the server held 5-6 MB more right after a first 256 MiB upload, and 20 s later). Four
     * packets, with the eight a 256 KiB chunk adds, keep the socket fed between the writer's turns;
     * the kernel's socket buffer holds the rest.
     */
    static final int MOST_WAITING = 4;
    /** A writer waits for room at most this long at a time, then writes anyway (MINA's window still holds it). */
    static final Duration MOST_ROOM_WAIT = Duration.ofSeconds(30);
    /** How often a writer waiting for room looks again, should a wake-up be lost. */
    private static final long ROOM_POLL_MS = 10;

    /** Packets MINA has queued and not yet completed, in its queue's order. */
    private final ConcurrentLinkedDeque<ByteBuffer> queued = new ConcurrentLinkedDeque<>();
    private final PropertyResolver properties;
    private final AtomicLong sentAlong = new AtomicLong();
    private volatile boolean outputEnding;
    /** Packets written to MINA's queue and not yet sent (their futures not yet done). */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Writers in {@link #awaitRoom}; a sent packet wakes them only when there are any. */
    private final AtomicInteger roomWaiters = new AtomicInteger();
    private final Object room = new Object();

    GatheredWrites(Nio2Service service, PropertyResolver properties, IoHandler handler,
            AsynchronousSocketChannel socket, SocketAddress acceptance) throws IOException {
        super(service, properties, handler, socket, acceptance);
        this.properties = properties;
    }

    /** MINA's I/O, making {@link GatheredWrites} sessions; the rest as MINA's default. */
    static final class Factory extends Nio2ServiceFactoryFactory {
        @Override
        public IoServiceFactory create(FactoryManager manager) {
            return new Nio2ServiceFactory(manager, newExecutor(), newExecutor()) {
                @Override
                public Nio2Session createSession(Nio2Service service, IoHandler handler, AsynchronousSocketChannel socket,
                        SocketAddress acceptance) throws IOException {
                    return new GatheredWrites(service, getFactoryManager(), handler, socket, acceptance);
                }
            };
        }
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        // One writer at a time, so that this view is in MINA's queue order: the packets sent along
        // with one are always those MINA would write next. MINA's session already calls this under
        // its own lock, so this one is never contended; it keeps the order a promise of this class.
        synchronized (queued) {
            IoWriteFuture written = super.writeBuffer(buffer);
            if (written instanceof Nio2DefaultIoWriteFuture mina && mina.getBuffer() != null && !mina.isDone()) {
                queued.add(mina.getBuffer());
            }
            waiting.incrementAndGet();
            written.addListener(done -> {
                waiting.decrementAndGet();
                roomMade();
            });
            return written;
        }
    }

    @Override
    protected void doWriteCycle(ByteBuffer head, Nio2CompletionHandler<Integer, Object> handler) {
        if (!head.hasRemaining()) {
            // Sent with an earlier packet's write: done, no system call.
            forget(head);
            handler.completed(0, null);
            return;
        }
        ByteBuffer[] batch = new ByteBuffer[MOST_PACKETS];
        int count = gather(head, batch);
        if (count == 1) {
            super.doWriteCycle(head, handler);
            return;
        }
        sentAlong.addAndGet(count - 1);
        Duration timeout = CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getRequired(properties);
        getSocket().write(batch, 0, count, timeout.toMillis(), TimeUnit.MILLISECONDS, null,
                new CompletionHandler<Long, Object>() {
                    @Override
                    public void completed(Long bytes, Object attachment) {
                        handler.completed((int) Math.min(Integer.MAX_VALUE, bytes), attachment);
                    }

                    @Override
                    public void failed(Throwable e, Object attachment) {
                        handler.failed(e, attachment);
                    }
                });
    }

    /**
     * Puts {@code head} and the packets queued behind it, within the bounds, into {@code batch};
     * returns how many. Just {@code head} when it is not in view, or once the socket's output is
     * to end: MINA's end of output is in its queue but not in this view, and nothing may pass it.
     */
    private int gather(ByteBuffer head, ByteBuffer[] batch) {
        batch[0] = head;
        forgetBefore(head);
        Iterator<ByteBuffer> it = queued.iterator();
        if (outputEnding || !it.hasNext() || it.next() != head) {
            return 1;
        }
        int count = 1;
        long bytes = head.remaining();
        while (it.hasNext() && count < batch.length) {
            ByteBuffer next = it.next();
            bytes += next.remaining();
            if (bytes > MOST_BYTES) {
                break;
            }
            batch[count++] = next;
        }
        return count;
    }

    /**
     * Drops the packets ahead of {@code head}: MINA has completed them. By identity: a buffer's
     * {@code equals} compares the bytes it has left. Only the writing thread (one at a time)
     * removes; writers only add behind.
     */
    private void forgetBefore(ByteBuffer head) {
        for (ByteBuffer b : queued) {
            if (b == head) {
                while (queued.peekFirst() != head) {
                    queued.pollFirst();
                }
                return;
            }
        }
    }

    private void forget(ByteBuffer done) {
        forgetBefore(done);
        if (queued.peekFirst() == done) {
            queued.pollFirst();
        }
    }

    /**
     * Waits until no more than {@link #MOST_WAITING} packets of {@code io}'s connection wait to be
     * sent, for at most {@link #MOST_ROOM_WAIT}, or until the connection closes. Only for a thread
     * of fleet's own that writes a large stream, never MINA's I/O threads (which empty the queue).
     * Returns at once for a session that is not a {@link GatheredWrites}.
     */
    static void awaitRoom(IoSession io) throws InterruptedIOException {
        if (io instanceof GatheredWrites session) {
            session.awaitRoom(MOST_WAITING, MOST_ROOM_WAIT);
        }
    }

    void awaitRoom(int most, Duration longest) throws InterruptedIOException {
        if (waiting.get() <= most) {
            return;
        }
        long until = System.nanoTime() + longest.toNanos();
        roomWaiters.incrementAndGet();
        try {
            synchronized (room) {
                while (waiting.get() > most && isOpen() && !isClosing() && !outputEnding) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    room.wait(Math.max(1, Math.min(ROOM_POLL_MS, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the connection to send");
        } finally {
            roomWaiters.decrementAndGet();
        }
    }

    private void roomMade() {
        if (roomWaiters.get() > 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
    }

    /** Packets written to MINA's queue and not yet sent, now. */
    int packetsWaiting() {
        return waiting.get();
    }

    /** Packets that went out with an earlier one's write, so far on this connection. */
    long packetsSentAlong() {
        return sentAlong.get();
    }

    @Override
    public void shutdownOutputStream() throws IOException {
        outputEnding = true;
        super.shutdownOutputStream();
    }

    @Override
    protected void doCloseImmediately() {
        queued.clear();
        super.doCloseImmediately();
        roomMade();
    }
}
