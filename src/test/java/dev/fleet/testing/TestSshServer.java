package dev.fleet.testing;

import dev.fleet.exec.ssh.CryptoProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.common.file.nativefs.NativeFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.shell.InvertedShell;
import org.apache.sshd.server.shell.InvertedShellWrapper;
import org.apache.sshd.server.shell.ProcessShell;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process SSH server on 127.0.0.1 for tests: password and key auth, commands run for real
 * by /bin/sh with the test's own HOME, SFTP on the real file system. It can be stopped, restarted
 * on the same port, and given a new host key.
 */
public final class TestSshServer implements AutoCloseable {
    public static final String USER = "fleet";
    public static final String PASSWORD = "s3cret-pw";

    private final Path dir;
    private Path hostKey;
    private int hostKeyGeneration;
    private SshServer server;
    private int port;

    private final Path memberHome;
    private Integer channelLimit;
    private int[] sftpLimits;
    private Integer sftpVersion;
    /** The most bytes one read of a file gives the SFTP server (0: as many as asked for). */
    private volatile int shortReads;
    /** Whether the SFTP server leaves every file's size out of the attributes it reports. */
    private volatile boolean statesNoSize;
    /** Every command clients have run, in the order they came. */
    private final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How long the server waits before it answers each keepalive question, in turn, the last for all later ones (null: at once). */
    private List<Duration> keepAliveAnswers;
    private final java.util.concurrent.atomic.AtomicInteger largestWrite = new java.util.concurrent.atomic.AtomicInteger();
    /** Every file written over SFTP, as the server resolved it, and how many bytes each received. */
    private final java.util.Map<Path, java.util.concurrent.atomic.AtomicLong> written = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger sftpSessions = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger openHandles = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicReference<TransferCut> cut = new java.util.concurrent.atomic.AtomicReference<>();
    /** Files (by a part of their name) whose SFTP writes the server refuses, as a full disk would. */
    private final java.util.Set<String> refusedWrites = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A pending kill: the file (by a part of its name) and how many of its bytes pass first. */
    private record TransferCut(String nameContains, long afterBytes, java.util.concurrent.CompletableFuture<Void> done) {
    }

    public TestSshServer(TestHome home, Path dir) throws IOException {
        this(home, dir, home.home());
    }

    /** A server whose user has its own home, apart from the PM's (as a real remote machine would). */
    public TestSshServer(TestHome home, Path dir, Path memberHome) throws IOException {
        this.memberHome = Files.createDirectories(memberHome);
        this.dir = Files.createDirectories(dir);
        this.hostKey = dir.resolve("hostkey-0.ser");
    }

    private String host = "127.0.0.1";
    private volatile LoginScope loginScope;

    /** From now on, each command's shell starts in {@code scope}, as under systemd-logind (null: none). */
    public TestSshServer loginScope(LoginScope scope) {
        this.loginScope = scope;
        return this;
    }

    public TestSshServer start() throws IOException {
        return startOn(0);
    }

    /** Starts on another loopback address (127.0.0.2, …) and a given port, as a started cloud instance would. */
    public TestSshServer start(String bindHost, int bindPort) throws IOException {
        this.host = bindHost;
        return startOn(bindPort);
    }

    private TestSshServer startOn(int wantedPort) throws IOException {
        // As fleet's own MINA users do: the first lookup of each algorithm is cached for the JVM.
        CryptoProviders.install();
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost(host);
        s.setPort(wantedPort);
        CoreModuleProperties.TCP_NODELAY.set(s, true);
        if (channelLimit != null) {
            s.setChannelFactories(List.of(limitedSessions(channelLimit)));
        }
        s.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
        s.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        Path authorized = memberHome.resolve(".ssh/authorized_keys");
        AuthorizedKeysAuthenticator keys = new AuthorizedKeysAuthenticator(authorized);
        s.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && Files.exists(authorized)
                && keys.authenticate(user, key, session));
        String homeDir = memberHome.toString();
        // As OpenSSH does, each command runs in a session of its own, led by its shell (setsid keeps the pid).
        s.setCommandFactory((channel, command) -> {
            commands.add(command);
            LoginScope scope = loginScope;
            List<String> argv = scope == null
                    ? List.of("setsid", "/usr/bin/env", "HOME=" + homeDir, "USER=" + USER, "/bin/sh", "-c", command)
                    : List.of("setsid", "/bin/sh", "-c", scope.enter() + " && exec /usr/bin/env HOME=\"$1\" USER=\"$2\" /bin/sh -c \"$3\"",
                            "sh", homeDir, USER, command);
            return new StartedShellWrapper(new WatchedShell(argv, command));
        });
        if (keepAliveAnswers != null) {
            List<org.apache.sshd.common.channel.RequestHandler<org.apache.sshd.common.session.ConnectionService>> handlers =
                    new java.util.ArrayList<>();
            handlers.add(new LateKeepAlive(keepAliveAnswers, new java.util.concurrent.atomic.AtomicInteger()));
            handlers.addAll(org.apache.sshd.server.ServerBuilder.DEFAULT_GLOBAL_REQUEST_HANDLERS);
            s.setGlobalRequestHandlers(handlers);
        }
        if (sftpVersion != null) {
            SftpModuleProperties.SFTP_VERSION.set(s, sftpVersion);
        }
        if (sftpLimits != null) {
            SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(s, sftpLimits[0]);
            SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(s, sftpLimits[1]);
        }
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(sftpWatch());
        sftp.setFileSystemAccessor(new AlteredFileAccess());
        s.setSubsystemFactories(List.of(sftp));
        s.setFileSystemFactory(new NativeFileSystemFactory());
        s.start();
        server = s;
        port = s.getPort();
        return this;
    }

    /** Refuses session channels beyond {@code n} open per connection (applies from the next start). */
    public TestSshServer limitChannels(int n) {
        this.channelLimit = n;
        return this;
    }

    /**
     * Session channels, refused (SSH_MSG_CHANNEL_OPEN_FAILURE, the connection stays up) while
     * {@code limit} are open on the connection, as OpenSSH's MaxSessions does.
     */
    private static org.apache.sshd.common.channel.ChannelFactory limitedSessions(int limit) {
        return new org.apache.sshd.common.channel.ChannelFactory() {
            @Override
            public String getName() {
                return org.apache.sshd.server.channel.ChannelSessionFactory.INSTANCE.getName();
            }

            @Override
            public org.apache.sshd.common.channel.Channel createChannel(org.apache.sshd.common.session.Session session)
                    throws IOException {
                var service = session.getService(org.apache.sshd.common.session.ConnectionService.class);
                // Channels the client has closed are not counted, though MINA keeps them until their
                // command's threads are done: OpenSSH frees a session on the client's close, which
                // reaches it before the next open on the same connection.
                long open = ((org.apache.sshd.common.session.helpers.AbstractConnectionService) service).getChannels().stream()
                        .filter(c -> c.isOpen() && !c.isClosing()).count();
                return open >= limit ? null : org.apache.sshd.server.channel.ChannelSessionFactory.INSTANCE.createChannel(session);
            }
        };
    }

    /**
     * Answers a client's {@code keepalive@openssh.com} questions only after these delays, in turn
     * (the last for every later question), as a server that far away would; everything else goes
     * at loopback speed. Applies from the next start.
     */
    public TestSshServer answerKeepAliveAfter(Duration... delays) {
        this.keepAliveAnswers = List.of(delays);
        return this;
    }

    /** Refuses the keepalive question, as OpenSSH does, after the delay of its turn. */
    private record LateKeepAlive(List<Duration> delays, java.util.concurrent.atomic.AtomicInteger asked)
            implements org.apache.sshd.common.channel.RequestHandler<org.apache.sshd.common.session.ConnectionService> {
        @Override
        public Result process(org.apache.sshd.common.session.ConnectionService service, String request, boolean wantReply,
                org.apache.sshd.common.util.buffer.Buffer buffer) {
            if (!"keepalive@openssh.com".equals(request)) {
                return Result.Unsupported;
            }
            org.apache.sshd.common.session.Session session = service.getSession();
            Duration delay = delays.get(Math.min(asked.getAndIncrement(), delays.size() - 1));
            java.util.concurrent.CompletableFuture.delayedExecutor(delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        try {
                            session.writePacket(session.createBuffer(org.apache.sshd.common.SshConstants.SSH_MSG_REQUEST_FAILURE, 8));
                        } catch (IOException e) {
                            // The session ended meanwhile: nobody waits for the answer.
                        }
                    });
            return Result.Replied;
        }
    }

    /** Speaks only this SFTP version (OpenSSH speaks 3; MINA's server offers up to 6); call before start. */
    public TestSshServer sftpVersion(int version) {
        sftpVersion = version;
        return this;
    }

    /**
     * The largest SFTP read and write requests the server takes (and states in its
     * {@code limits@openssh.com} answer); a larger write is refused. Applies from the next start.
     */
    public TestSshServer limitSftpRequests(int read, int write) {
        this.sftpLimits = new int[] {read, write};
        return this;
    }

    /**
     * From now on, a read of an open file gives the SFTP server at most {@code bytes}, so its read
     * replies come back short before the file's end, as a server may answer (0: reads as usual).
     */
    public TestSshServer shortReads(int bytes) {
        this.shortReads = bytes;
        return this;
    }

    /** From now on, the SFTP server reports files' attributes without their size, as a server may. */
    public TestSshServer statesNoSize() {
        this.statesNoSize = true;
        return this;
    }

    /**
     * Files as the default accessor opens them; one opened only for reading while
     * {@link #shortReads} is set has each read cut to it (a file written to stays MINA's own
     * channel, which its fsync needs). Attributes as the default reports them, without the size
     * once {@link #statesNoSize} is set.
     */
    private final class AlteredFileAccess implements org.apache.sshd.sftp.server.SftpFileSystemAccessor {
        @Override
        public java.nio.channels.SeekableByteChannel openFile(org.apache.sshd.sftp.server.SftpSubsystemProxy subsystem,
                FileHandle fileHandle, Path file, String handle, java.util.Set<? extends java.nio.file.OpenOption> options,
                java.nio.file.attribute.FileAttribute<?>... attrs) throws IOException {
            java.nio.channels.SeekableByteChannel opened = org.apache.sshd.sftp.server.SftpFileSystemAccessor.super.openFile(
                    subsystem, fileHandle, file, handle, options, attrs);
            boolean readOnly = !options.contains(java.nio.file.StandardOpenOption.WRITE)
                    && !options.contains(java.nio.file.StandardOpenOption.APPEND);
            return shortReads > 0 && readOnly ? new ShortReads(opened) : opened;
        }

        @Override
        public java.util.NavigableMap<String, Object> resolveReportedFileAttributes(
                org.apache.sshd.sftp.server.SftpSubsystemProxy subsystem, Path file, int flags,
                java.util.NavigableMap<String, Object> attrs, java.nio.file.LinkOption... options) throws IOException {
            java.util.NavigableMap<String, Object> reported = org.apache.sshd.sftp.server.SftpFileSystemAccessor.super
                    .resolveReportedFileAttributes(subsystem, file, flags, attrs, options);
            if (!statesNoSize) {
                return reported;
            }
            java.util.NavigableMap<String, Object> without = new java.util.TreeMap<>(reported.comparator());
            without.putAll(reported);
            without.remove("size");
            return without;
        }
    }

    /** A file channel whose reads give at most {@link #shortReads} bytes each; everything else as it is. */
    private final class ShortReads implements java.nio.channels.SeekableByteChannel {
        private final java.nio.channels.SeekableByteChannel file;

        ShortReads(java.nio.channels.SeekableByteChannel file) {
            this.file = file;
        }

        @Override
        public int read(java.nio.ByteBuffer dst) throws IOException {
            int most = shortReads;
            if (most <= 0 || dst.remaining() <= most) {
                return file.read(dst);
            }
            java.nio.ByteBuffer part = dst.slice().limit(most);
            int n = file.read(part);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }

        @Override
        public int write(java.nio.ByteBuffer src) throws IOException {
            return file.write(src);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public java.nio.channels.SeekableByteChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public java.nio.channels.SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** The most data any one SFTP write request carried so far. */
    public int largestSftpWrite() {
        return largestWrite.get();
    }

    /**
     * Refuses every SFTP write to a file whose name contains {@code nameContains}, with a failure
     * status as a full disk gets one: the request is answered, the session stays up.
     */
    public TestSshServer refuseWritesTo(String nameContains) {
        refusedWrites.add(nameContains);
        return this;
    }

    /** The commands clients have run so far (exec requests, as the client sent them). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** SFTP sessions clients have started so far (each past its version negotiation). */
    public int sftpSessions() {
        return sftpSessions.get();
    }

    /** Files and folders SFTP clients have open right now (opened and not yet closed). */
    public int openSftpHandles() {
        return openHandles.get();
    }

    /** The files SFTP clients have written to so far, with the bytes each received. */
    public java.util.Map<Path, Long> writtenFiles() {
        java.util.Map<Path, Long> copy = new java.util.HashMap<>();
        written.forEach((f, n) -> copy.put(f, n.get()));
        return copy;
    }

    public int port() {
        return port;
    }

    /** Connected client sessions right now. */
    public int sessions() {
        return server.getActiveSessions().size();
    }

    /** Channels open right now over all connections. */
    public int openChannels() {
        return server.getActiveSessions().stream().mapToInt(session -> {
            try {
                var service = session.getService(org.apache.sshd.common.session.ConnectionService.class);
                return service instanceof org.apache.sshd.common.session.helpers.AbstractConnectionService c ? c.getChannels().size() : 0;
            } catch (IllegalStateException notYetAuthenticated) {
                return 0;
            }
        }).sum();
    }

    /** Restarts (same port and host key) refusing channels beyond {@code n} per connection, as a server's MaxSessions would. */
    public void restartLimitedTo(int n) throws IOException {
        limitChannels(n);
        restart();
    }

    /**
     * Stops reading from every connected client's socket, as a member too busy to keep up would:
     * what a client sends then waits in the kernel's buffers, and once they are full, in the client.
     */
    public void pauseReading() {
        server.getActiveSessions().forEach(session -> session.getIoSession().suspendRead());
    }

    /** Reads from every connected client's socket again, after {@link #pauseReading}. */
    public void resumeReading() {
        server.getActiveSessions().forEach(session -> session.getIoSession().resumeRead());
    }

    /** Drops every connected client at once, as a network failure would. */
    public void dropConnections() {
        server.getActiveSessions().forEach(session -> session.close(true));
    }

    /**
     * Kills the server (every connection dropped, no new ones accepted) once {@code afterBytes} of a
     * file whose name contains {@code nameContains} have passed over SFTP, read or written: a server
     * killed mid-transfer at a known point, not after a guessed sleep. The future completes once the
     * server is down.
     */
    public java.util.concurrent.CompletableFuture<Void> dieMidTransferOf(String nameContains, long afterBytes) {
        TransferCut c = new TransferCut(nameContains, afterBytes, new java.util.concurrent.CompletableFuture<>());
        cut.set(c);
        return c.done();
    }

    /** Counts SFTP sessions, records the size of each write, and kills the server mid-transfer when asked to. */
    private SftpEventListener sftpWatch() {
        return new SftpEventListener() {
            @Override
            public void initialized(ServerSession session, int version) {
                sftpSessions.incrementAndGet();
            }

            @Override
            public void open(ServerSession session, String remoteHandle, org.apache.sshd.sftp.server.Handle localHandle) {
                openHandles.incrementAndGet();
            }

            @Override
            public void closed(ServerSession session, String remoteHandle, org.apache.sshd.sftp.server.Handle localHandle,
                    Throwable thrown) {
                openHandles.decrementAndGet();
            }

            @Override
            public void reading(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                    byte[] data, int dataOffset, int dataLen) throws IOException {
                cutIfDue(session, localHandle, offset);
            }

            @Override
            public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                    byte[] data, int dataOffset, int dataLen) throws IOException {
                String name = localHandle.getFile().getFileName().toString();
                if (refusedWrites.stream().anyMatch(name::contains)) {
                    throw new IOException("No space left on device");
                }
                largestWrite.accumulateAndGet(dataLen, Math::max);
                written.computeIfAbsent(localHandle.getFile(), f -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(dataLen);
                cutIfDue(session, localHandle, offset);
            }
        };
    }

    /**
     * Past the mark: this connection is closed at once (the request is never answered) and the
     * server stopped from another thread, since stopping waits for this very request to end.
     */
    private void cutIfDue(ServerSession session, FileHandle file, long offset) throws IOException {
        cutIfDue(session, file.getFile().getFileName().toString(), offset);
    }

    /** {@code name}: the file's name, or a command that writes the file (a streamed upload names it). */
    private void cutIfDue(ServerSession session, String name, long offset) throws IOException {
        TransferCut c = cut.get();
        if (c == null || offset < c.afterBytes() || !name.contains(c.nameContains()) || !cut.compareAndSet(c, null)) {
            return;
        }
        session.close(true);
        Thread killer = new Thread(() -> {
            try {
                stop();
                c.done().complete(null);
            } catch (IOException | RuntimeException e) {
                c.done().completeExceptionally(e);
            }
        }, "test-sshd-killer");
        killer.setDaemon(true);
        killer.start();
        throw new IOException("server killed mid-transfer");
    }

    /**
     * MINA's wrapper closes, on destroy, streams it has only once its command started: a channel
     * closed before that, or a start that failed, logged a NullPointerException. A command that
     * never started has nothing to destroy.
     */
    private static final class StartedShellWrapper extends InvertedShellWrapper {
        private boolean started;

        StartedShellWrapper(InvertedShell shell) {
            super(shell);
        }

        @Override
        public synchronized void start(ChannelSession channel, Environment env) throws IOException {
            super.start(channel, env);
            started = true;
        }

        @Override
        public synchronized void destroy(ChannelSession channel) throws Exception {
            if (started) {
                super.destroy(channel);
            }
        }
    }

    /**
     * A command run by this machine's shell whose stdin is counted: a streamed upload (the file
     * named in the command line) is cut like an SFTP one once that many bytes went in.
     */
    private final class WatchedShell extends ProcessShell {
        private final String command;
        private volatile ServerSession session;

        WatchedShell(List<String> argv, String command) {
            super(argv);
            this.command = command;
        }

        @Override
        public void start(org.apache.sshd.server.channel.ChannelSession channel, org.apache.sshd.server.Environment env)
                throws IOException {
            session = channel.getServerSession();
            super.start(channel, env);
        }

        @Override
        public java.io.OutputStream getInputStream() {
            return new java.io.FilterOutputStream(super.getInputStream()) {
                private long in;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    in += len;
                    cutIfDue(session, command, in);
                }
            };
        }
    }

    public void stop() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    /** Stops and starts again on the same port; clients' pooled connections are dead afterwards. */
    public void restart() throws IOException {
        stop();
        startOn(port);
    }

    /** Restarts with a brand-new host key, as a reinstalled (or impersonated) machine would. */
    public void restartWithNewHostKey() throws IOException {
        stop();
        hostKey = dir.resolve("hostkey-" + (++hostKeyGeneration) + ".ser");
        startOn(port);
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
