package dev.fleet.exec.ssh;

import dev.fleet.base.Background;
import dev.fleet.base.Failures;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.UnreachableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH connection per member, opened on first use, shared by its tool calls, closed after
 * five idle minutes and re-opened transparently when it has died. The SSH client itself is
 * created lazily, so a fleet of local members never loads it.
 */
public final class SshPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SshPool.class);
    /** OpenSSH allows 10 sessions (channels) per connection by default; stay under it. */
    static final int CHANNELS_PER_CONNECTION = 8;

    /**
     * How long a transfer's SFTP session is kept open after its call, for the next transfer call to
     * the member ({@link Lease#keepSftp}): opening one costs three round trips and a process on the
     * member. Short, since a kept session is a process on the member and one of the connection's
     * channels, and the member's idle check sees it as a transfer the first time it looks.
     */
    static final Duration SFTP_KEPT = Duration.ofSeconds(15);
    /** How long the end of a kept SFTP session is waited for. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** The name of the one thread the warm-ups run on, while they run: what shows them from outside. */
    public static final String TRANSFER_WARM_UP_THREAD = TransferWarmUps.THREAD_NAME;

    /**
     * Key exchanges in the order offered. ML-KEM hybrid first (post-quantum, and quick); then
     * X25519, before sntrup761: MINA computes sntrup761 in plain Java, and on a fresh JVM that
     * exchange alone took most of a second, on every first connection to an OpenSSH 9.x server.
     */
    static java.util.List<KeyExchangeFactory> keyExchanges() {
        return NamedFactory.setUpTransformedFactories(false,
                java.util.List.of(BuiltinDHFactories.mlkem768x25519, BuiltinDHFactories.curve25519,
                        BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.ecdhp256, BuiltinDHFactories.ecdhp384,
                        BuiltinDHFactories.ecdhp521, BuiltinDHFactories.sntrup761x25519, BuiltinDHFactories.sntrup761x25519_openssh,
                        BuiltinDHFactories.dhgex256, BuiltinDHFactories.dhg16_512, BuiltinDHFactories.dhg14_256),
                ClientBuilder.DH2KEX);
    }

    /**
     * Ciphers in the order offered. AES-GCM first: the JIT turns it into the CPU's AES instructions;
     * MINA's default (ChaCha20 in plain Java) moved files at a third of scp's speed.
     */
    static final java.util.List<BuiltinCiphers> CIPHERS = java.util.List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
            BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr);

    private final TofuHostKeys hostKeys;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration idleClose;
    private final Map<String, Pooled> pool = new ConcurrentHashMap<>();
    private final Map<String, Object> connectLocks = new ConcurrentHashMap<>();
    private final TransferWarmUps warmUps;
    private volatile boolean streamUploads = true;
    private volatile SshClient client;
    private volatile ScheduledExecutorService reaper;
    /** The client's random bytes, made with it; its device is closed with the pool. */
    private volatile BatchedRandom random;

    public SshPool(TofuHostKeys hostKeys, Clock clock, Duration connectTimeout, Duration idleClose) {
        this(hostKeys, clock, connectTimeout, idleClose, UploadWarmUp.usual());
    }

    SshPool(TofuHostKeys hostKeys, Clock clock, Duration connectTimeout, Duration idleClose, UploadWarmUp uploadWarmUp) {
        this.hostKeys = hostKeys;
        this.clock = clock;
        this.connectTimeout = connectTimeout;
        this.idleClose = idleClose;
        this.warmUps = new TransferWarmUps(new CipherWarmUp(CipherWarmUp.BUDGET_BYTES, System::nanoTime), uploadWarmUp,
                () -> streamUploads);
    }

    /** A pooled connection and the permit to open one channel on it; release the lease when done. */
    public Lease lease(SshTarget target) throws ChannelException {
        Pooled p = pool.get(target.key());
        if (p == null || !p.session.isOpen()) {
            // One connect at a time per member; different members connect in parallel.
            synchronized (connectLocks.computeIfAbsent(target.key(), k -> new Object())) {
                p = pool.get(target.key());
                if (p == null || !p.session.isOpen()) {
                    if (p != null) {
                        pool.remove(target.key(), p);
                    }
                    p = new Pooled(connect(target));
                    // Nothing waits for it: channels opened meanwhile keep the usual window.
                    LinkWindow.measure(p.session, System::nanoTime);
                    pool.put(target.key(), p);
                    Pooled fresh = p;
                    warmUps.afterConnection(target, p.session, () -> leaseIfFree(target.key(), fresh),
                            () -> fresh.transfers.get() > 0, fresh::quietForNanos);
                }
            }
        }
        if (p.channels.availablePermits() == 0) {
            // A kept SFTP session gives its channel to new work.
            dropKeptSftp(p);
        }
        try {
            if (!p.channels.tryAcquire(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ChannelException("all " + CHANNELS_PER_CONNECTION + " channels to " + target.address()
                        + " stayed busy for " + connectTimeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while waiting for a free channel");
        }
        p.lastUsed = clock.instant();
        p.leaseChanged();
        return new Lease(this, target.key(), p);
    }

    /** A lease on one of {@code p}'s channels if one is free at once and the connection still takes work, else null. */
    private Lease leaseIfFree(String key, Pooled p) {
        boolean acquired;
        synchronized (p) {
            if (p.retired || !p.session.isOpen()) {
                return null;
            }
            acquired = p.channels.tryAcquire();
        }
        if (!acquired) {
            // A kept SFTP session gives its channel to new work.
            if (!dropKeptSftp(p)) {
                return null;
            }
            synchronized (p) {
                if (p.retired || !p.session.isOpen() || !p.channels.tryAcquire()) {
                    return null;
                }
            }
        }
        p.lastUsed = clock.instant();
        p.leaseChanged();
        return new Lease(this, key, p);
    }

    /**
     * Takes a connection out of the pool because it could not open a channel: new calls get a fresh
     * connection, while the commands still running on this one go on; it closes when the last of
     * them has ended (at once when none runs).
     */
    private void retire(String key, Pooled p) {
        pool.remove(key, p);
        synchronized (p) {
            p.retired = true;
        }
        dropKeptSftp(p);
        log.debug("SSH connection {} takes no new work; it closes when its commands have ended", key);
    }

    /**
     * Takes the member's connection, if any, out of the pool (registration changes, removal, an
     * instance stop): the next call connects afresh, with the member's details as they are now.
     * Commands and transfers that other calls run on it go on to their end, and it closes when the
     * last of them has (at once when none runs). Closing it at once cut off another client's
     * command on the member whenever a member was renamed, given a new icon or removed.
     */
    public void invalidate(String key) {
        Pooled p = pool.remove(key);
        if (p != null) {
            dropKeptSftp(p);
            synchronized (p) {
                p.retired = true;
                if (p.channels.availablePermits() == CHANNELS_PER_CONNECTION) {
                    p.session.close(false);
                }
            }
        }
    }

    /**
     * The SFTP session kept on {@code target}'s pooled connection since an earlier transfer call,
     * with the lease on its channel, now the caller's; null when none is kept, or the one kept is
     * no longer open (it is closed then).
     */
    KeptSftp takeKeptSftp(SshTarget target) {
        Pooled p = pool.get(target.key());
        if (p == null) {
            return null;
        }
        KeptSftp kept = p.takeKept();
        if (kept == null) {
            return null;
        }
        if (!kept.sftp().isOpen() || !p.session.isOpen() || p.session.isClosing()) {
            kept.close();
            return null;
        }
        p.lastUsed = clock.instant();
        p.leaseChanged();
        kept.lease().copiesFiles();
        return kept;
    }

    /** Ends the SFTP session kept on {@code target}'s pooled connection, if one is, once the server has closed it too. */
    void dropKeptSftp(SshTarget target) {
        Pooled p = pool.get(target.key());
        if (p != null) {
            dropKeptSftp(p);
        }
    }

    /** An SFTP session kept between transfer calls, and the lease on the channel it holds. */
    record KeptSftp(Lease lease, FlightSftpClient sftp, Instant since) {
        /**
         * Ends the session and gives its channel back once the server has closed it too (a few
         * seconds at most): the server's limit of sessions per connection counts it until then.
         */
        void close() {
            try {
                sftp.getClientChannel().close(false).await(CLOSE_WAIT.toMillis());
            } catch (IOException | RuntimeException e) {
                log.debug("closing a kept SFTP session: {}", e.toString());
            } finally {
                lease.close();
            }
        }
    }

    private boolean keepSftp(Lease lease, FlightSftpClient sftp) {
        Pooled p = lease.pooled;
        synchronized (p) {
            if (p.retired || p.keptSftp != null || pool.get(lease.key) != p || !p.session.isOpen() || p.session.isClosing()
                    || !sftp.isOpen()) {
                return false;
            }
            lease.copiesNoMore();
            p.keptSftp = new KeptSftp(lease, sftp, clock.instant());
            p.leaseChanged();
        }
        ScheduledExecutorService r = reaper;
        if (r != null) {
            try {
                r.schedule(this::closeIdle, SFTP_KEPT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // The pool is closing: the session goes with its connection.
            }
        }
        return true;
    }

    private static boolean dropKeptSftp(Pooled p) {
        KeptSftp kept = p.takeKept();
        if (kept == null) {
            return false;
        }
        kept.close();
        return true;
    }

    /** Closes every connection whose key starts with {@code prefix} (all of one member's). */
    public void invalidatePrefix(String prefix) {
        pool.keySet().stream().filter(k -> k.startsWith(prefix)).toList().forEach(this::invalidate);
    }

    /**
     * Does the work of a first connection that does not need a server: starts the client and runs
     * once the key exchange, signature and cipher code a login uses, so that the first call to a
     * member does not also pay for a JVM that has never done SSH (class loading, the JDK's
     * providers set up, code run cold). No connection is made.
     * Failures only mean the first real connection does the work itself; returns whether it ran through.
     */
    public boolean prepare() {
        try {
            client();
            KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            // The key file format a login reads (written and read back in memory; no user file is touched).
            java.io.ByteArrayOutputStream keyFile = new java.io.ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "warm-up", null, keyFile);
            SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("warm-up"),
                    new java.io.ByteArrayInputStream(keyFile.toByteArray()), null);
            PublicKeyEntry.parsePublicKeyEntry(PublicKeyEntry.toString(pair.getPublic())).resolvePublicKey(null, null, null);
            byte[] data = new byte[64];
            org.apache.sshd.common.signature.Signature signer = BuiltinSignatures.ed25519.create();
            signer.initSigner(null, pair.getPrivate());
            signer.update(null, data);
            byte[] signature = signer.sign(null);
            org.apache.sshd.common.signature.Signature verifier = BuiltinSignatures.ed25519.create();
            verifier.initVerifier(null, pair.getPublic());
            verifier.update(null, data);
            verifier.verify(null, signature);
            for (BuiltinDHFactories kex : java.util.List.of(BuiltinDHFactories.curve25519, BuiltinDHFactories.ecdhp256)) {
                kex.create().getE();
            }
            org.apache.sshd.common.cipher.Cipher cipher = BuiltinCiphers.aes128gcm.create();
            cipher.init(org.apache.sshd.common.cipher.Cipher.Mode.Encrypt, new byte[cipher.getKdfSize()],
                    new byte[cipher.getIVSize()]);
            cipher.updateAAD(data, 0, 4);
            cipher.update(data, 4, data.length - 4 - cipher.getAuthenticationTagSize());
            return true;
        } catch (Exception | LinkageError e) {
            log.debug("SSH warm-up skipped: {}", e.toString());
            return false;
        }
    }

    /**
     * From now on, new connections start the transfer warm-ups ({@link TransferWarmUps}); a server
     * calls this as it starts, one-shot commands do not.
     */
    public void warmTransfersAfterConnections() {
        warmUps.enable();
    }

    /**
     * Whether large uploads may go as a stream, and many small ones as archives, where the member
     * takes them (on unless {@code FLEET_UPLOAD_STREAM=off}); else every upload uses SFTP write
     * requests.
     */
    public void streamUploads(boolean on) {
        streamUploads = on;
    }

    boolean streamsUploads() {
        return streamUploads;
    }

    /** Whether the cipher warm-up (where no upload warm-up has sent) has begun (tests). */
    boolean cipherWarmUpStarted() {
        return warmUps.cipherStarted();
    }

    /** What the last upload warm-up did; null until one has ended (tests). */
    UploadWarmUp.Outcome lastUploadWarmUp() {
        return warmUps.lastUpload();
    }

    /**
     * Channels of {@code key}'s pooled connection free now, a kept SFTP session's among them: it
     * gives its channel to new work (tests).
     */
    int freeChannels(String key) {
        Pooled p = pool.get(key);
        return p == null ? CHANNELS_PER_CONNECTION : p.freeChannels();
    }

    /** Whether an SFTP session is kept on {@code key}'s pooled connection now (tests). */
    boolean keepsSftp(String key) {
        Pooled p = pool.get(key);
        return p != null && p.keptSftp != null;
    }

    /** Whether the SFTP session kept on {@code key}'s pooled connection is open as far as fleet has heard (tests). */
    boolean keptSftpOpen(String key) {
        Pooled p = pool.get(key);
        KeptSftp kept = p == null ? null : p.keptSftp;
        return kept != null && kept.sftp().isOpen();
    }

    /** Opens a separate, unpooled connection: used to prove that a login works. */
    public ClientSession connectOnce(SshTarget target) throws ChannelException {
        return connect(target);
    }

    private ClientSession connect(SshTarget target) throws ChannelException {
        SshClient c = client();
        ClientSession session = null;
        try {
            AttributeRepository context = target.hostKeyPin() == null ? null
                    : AttributeRepository.ofKeyValuePair(TofuHostKeys.PINNED_TO, target.hostKeyPin());
            session = c.connect(target.username(), target.host(), target.port(), context, null)
                    .verify(connectTimeout).getSession();
            if (target.keyFile() != null) {
                session.addPublicKeyIdentity(loadKey(target));
            }
            if (target.password() != null) {
                session.addPasswordIdentity(target.password());
            }
            session.auth().verify(connectTimeout);
            return session;
        } catch (ChannelException e) {
            closeQuietly(session);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(session);
            throw classify(target, e);
        }
    }

    private KeyPair loadKey(SshTarget target) throws ChannelException {
        try (InputStream in = Files.newInputStream(target.keyFile())) {
            // No passphrase support: an encrypted key fails here with a clear message, not a prompt.
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(target.keyFile().toString()),
                    in, (session, resource, retry) -> {
                        throw new EncryptedKeyException();
                    });
            if (keys == null || !keys.iterator().hasNext()) {
                throw new ChannelException("key file " + target.keyFile() + " holds no private key fleet can read");
            }
            return keys.iterator().next();
        } catch (NoSuchFileException e) {
            throw new ChannelException("key file " + target.keyFile() + " does not exist");
        } catch (EncryptedKeyException e) {
            throw new ChannelException("key file " + target.keyFile() + " is protected by a passphrase, which fleet does not "
                    + "support: use a key without a passphrase (setup_ssh_key can create one for a password member)");
        } catch (IOException | GeneralSecurityException e) {
            if (causedBy(e, EncryptedKeyException.class)) {
                throw new ChannelException("key file " + target.keyFile() + " is protected by a passphrase, which fleet does not "
                        + "support: use a key without a passphrase (setup_ssh_key can create one for a password member)");
            }
            throw new ChannelException("cannot read key file " + target.keyFile() + ": " + e.getMessage());
        }
    }

    /** Turns connection failures into a reason a person can act on. */
    private UnreachableException classify(SshTarget target, Exception e) {
        String where = target.host() + ":" + target.port();
        String refusal = hostKeys.refusalFor(target.hostKeyName(), target.port());
        if (refusal != null) {
            return new UnreachableException(refusal, e);
        }
        if (causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class)) {
            return new UnreachableException("cannot resolve host '" + target.host() + "' (DNS)", e);
        }
        if (causedBy(e, ConnectException.class)) {
            return new UnreachableException("connection refused by " + where + " (is an SSH server listening there?)", e);
        }
        if (causedBy(e, NoRouteToHostException.class)) {
            return new UnreachableException("no route to " + where, e);
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (message.contains("timeout") || message.contains("timed out")) {
            return new UnreachableException("no answer from " + where + " within " + connectTimeout.toSeconds() + " s (timeout)", e);
        }
        if (e instanceof SshException && (message.contains("auth") || message.contains("no more authentication methods"))) {
            return new UnreachableException("authentication failed for " + target.address() + ": the server rejected the "
                    + (target.keyFile() != null ? "key " + target.keyFile() : "password"), e);
        }
        return new UnreachableException("cannot connect to " + target.address() + ": " + e.getMessage(), e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * MINA reads these settings on every packet it sends or reads and on every SFTP request. Unset,
     * each read falls through to the system properties, building the setting's full name as a new
     * string every time: about a tenth of what a folder of small files allocated (bench S5). Set on
     * the client to their own defaults, they are found there and nothing changes but the cost.
     */
    private static void pinDefaults(SshClient client) {
        for (org.apache.sshd.common.Property<?> p : java.util.List.of(CoreModuleProperties.NIO2_READ_TIMEOUT,
                CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT, CoreModuleProperties.IDLE_TIMEOUT,
                org.apache.sshd.sftp.client.impl.AbstractSftpClient.SFTP_CLIENT_CMD_TIMEOUT)) {
            pin(client, p);
        }
    }

    private static <T> void pin(SshClient client, org.apache.sshd.common.Property<T> p) {
        p.set(client, p.getRequiredDefault());
    }

    private SshClient client() {
        SshClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    CryptoProviders.install();
                    SshClient created = SshClient.setUpDefaultClient();
                    // Without it every small request/response waits on delayed ACKs (~40 ms each).
                    CoreModuleProperties.TCP_NODELAY.set(created, true);
                    pinDefaults(created);
                    created.setServerKeyVerifier(hostKeys);
                    created.setCipherFactories(new java.util.ArrayList<>(CIPHERS));
                    // One for all sessions, as MINA's own default is.
                    BatchedRandom shared = BatchedRandom.usual();
                    created.setRandomFactory(() -> shared);
                    random = shared;
                    created.setKeyExchangeFactories(keyExchanges());
                    // Identities come from the member, never from ~/.ssh or an agent.
                    created.setKeyIdentityProvider(s -> java.util.List.of());
                    // And the address, port and user as registered: the library would otherwise read the
                    // account's ~/.ssh/config, whose Host entries could send a member's connection elsewhere
                    // (or offer its IdentityFile keys), unseen by fleet's host-key and error messages.
                    created.setHostConfigEntryResolver(org.apache.sshd.client.config.hosts.HostConfigEntryResolver.EMPTY);
                    created.setFilePasswordProvider(FilePasswordProvider.EMPTY);
                    // Queued packets leave in one socket write, as OpenSSH's client sends its buffer.
                    created.setIoServiceFactoryFactory(new GatheredWrites.Factory());
                    created.start();
                    client = created;
                    Duration every = Duration.ofSeconds(Math.max(1, idleClose.toSeconds() / 5));
                    reaper = Background.repeat("fleet-ssh-reaper", every, this::closeIdle,
                            e -> log.warn("closing idle SSH connections failed: {}", Failures.shown(e)));
                }
                c = client;
            }
        }
        return c;
    }

    /**
     * Closes SFTP sessions kept longer than {@link #SFTP_KEPT}, then connections nobody used for
     * the idle period and that carry no open channel.
     */
    void closeIdle() {
        Instant keptCutoff = clock.instant().minus(SFTP_KEPT);
        pool.values().forEach(p -> {
            KeptSftp kept = p.takeKeptSince(keptCutoff);
            if (kept != null) {
                kept.close();
            }
        });
        Instant cutoff = clock.instant().minus(idleClose);
        pool.forEach((key, p) -> {
            if (p.lastUsed.isBefore(cutoff) && p.channels.availablePermits() == CHANNELS_PER_CONNECTION) {
                if (pool.remove(key, p)) {
                    log.debug("closing idle SSH connection {}", key);
                    p.session.close(false);
                }
            }
        });
    }

    int openConnections() {
        return (int) pool.values().stream().filter(p -> p.session.isOpen()).count();
    }

    @Override
    public void close() {
        pool.values().forEach(p -> p.session.close(true));
        pool.clear();
        if (reaper != null) {
            reaper.shutdownNow();
        }
        if (client != null) {
            client.stop();
        }
        if (random != null) {
            random.close();
        }
    }

    private static void closeQuietly(ClientSession s) {
        if (s != null) {
            s.close(true);
        }
    }

    private static final class Pooled {
        final ClientSession session;
        final Semaphore channels = new Semaphore(CHANNELS_PER_CONNECTION);
        /** Leases copying files on this connection now: the upload warm-up gives way to them. */
        final AtomicInteger transfers = new AtomicInteger();
        volatile Instant lastUsed = Instant.EPOCH;
        /** Out of the pool: closed when its last lease is given back. */
        boolean retired;
        /** The SFTP session kept since the last transfer call, if any ({@link #SFTP_KEPT}); guarded by this. */
        volatile KeptSftp keptSftp;
        /** When a lease was last taken or given back ({@link System#nanoTime}): how long the connection has been quiet. */
        private volatile long leaseChangedNanos = System.nanoTime();

        Pooled(ClientSession session) {
            this.session = session;
        }

        void leaseChanged() {
            leaseChangedNanos = System.nanoTime();
        }

        /** How long no channel of this connection has been in use (a kept SFTP session uses none); 0 while one is. */
        long quietForNanos() {
            return freeChannels() < CHANNELS_PER_CONNECTION ? 0 : System.nanoTime() - leaseChangedNanos;
        }

        /** The kept SFTP session, now the caller's to use or close; null when none is kept. */
        synchronized KeptSftp takeKept() {
            return takeKeptSince(Instant.MAX);
        }

        /** {@link #takeKept}, only of a session kept at or before {@code cutoff}; else null, and it stays. */
        synchronized KeptSftp takeKeptSince(Instant cutoff) {
            KeptSftp kept = keptSftp;
            if (kept == null || kept.since().isAfter(cutoff)) {
                return null;
            }
            keptSftp = null;
            return kept;
        }

        /** Channels free now, a kept SFTP session's among them. */
        int freeChannels() {
            return channels.availablePermits() + (keptSftp != null ? 1 : 0);
        }
    }

    /** One channel's worth of a pooled connection. */
    public static final class Lease implements AutoCloseable {
        private final SshPool owner;
        private final String key;
        private final Pooled pooled;
        private boolean released;
        private boolean copiesFiles;

        private Lease(SshPool owner, String key, Pooled pooled) {
            this.owner = owner;
            this.key = key;
            this.pooled = pooled;
        }

        public ClientSession session() {
            return pooled.session;
        }

        /**
         * This connection could not open a channel: it takes no new work. Commands running on it go
         * on (one refused channel must not end them); it closes once they have all ended.
         */
        public void retire() {
            owner.retire(key, pooled);
        }

        /**
         * A second lease on this one's connection if one of its channels is free at once, else
         * null: for work that needs another channel beside this one's, and that can do without.
         */
        Lease alsoIfFree() {
            return owner.leaseIfFree(key, pooled);
        }

        /**
         * Keeps {@code sftp}, this lease's SFTP session with every reply read, open on the pooled
         * connection for the next transfer call ({@link SshPool#takeKeptSftp}) with this lease,
         * for at most {@link SshPool#SFTP_KEPT}; a session kept already, or a connection taking
         * no new work, keeps none. Returns false where it was not kept: the caller closes both.
         */
        boolean keepSftp(FlightSftpClient sftp) {
            return !released && owner.keepSftp(this, sftp);
        }

        /** Ends the SFTP session kept on this lease's connection, if one is, giving its channel back; whether one was. */
        boolean dropKeptSftp() {
            return SshPool.dropKeptSftp(pooled);
        }

        /** This lease copies files until it is closed: the upload warm-up on its connection gives way. */
        void copiesFiles() {
            if (!copiesFiles && !released) {
                copiesFiles = true;
                pooled.transfers.incrementAndGet();
            }
        }

        /** Its copying is over, though it stays leased (a kept SFTP session's). */
        private void copiesNoMore() {
            if (copiesFiles) {
                copiesFiles = false;
                pooled.transfers.decrementAndGet();
            }
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                copiesNoMore();
                synchronized (pooled) {
                    pooled.channels.release();
                    pooled.leaseChanged();
                    if (pooled.retired && pooled.channels.availablePermits() == CHANNELS_PER_CONNECTION) {
                        pooled.session.close(false);
                    }
                }
            }
        }
    }

    private static final class EncryptedKeyException extends IOException {
        EncryptedKeyException() {
            super("encrypted key");
        }
    }
}
