package dev.fleet.exec.ssh;

import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust on first use, in fleet's own {@code known_hosts} (OpenSSH format): the first key a host
 * presents is recorded; later it must match. A different key is refused, and the refusal says how
 * to accept the new key deliberately.
 *
 * <p>A connection may carry a pin ({@link #PINNED_TO}, a cloud instance's id): its key is then
 * recorded and checked under that name instead of the address, because a cloud instance gets a new
 * public address with every start and AWS hands released addresses to other instances.
 */
public final class TofuHostKeys implements ServerKeyVerifier {
    private static final Logger log = LoggerFactory.getLogger(TofuHostKeys.class);

    /** The name a connection's host key is recorded under instead of its address (set in the connection context). */
    public static final AttributeRepository.AttributeKey<String> PINNED_TO = new AttributeRepository.AttributeKey<>();

    private final Path file;
    private final Map<String, String> lastRefusal = new ConcurrentHashMap<>();

    public TofuHostKeys(Path file) {
        this.file = file;
    }

    @Override
    public synchronized boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey key) {
        SocketAddress address = session.getConnectAddress() != null ? session.getConnectAddress() : remoteAddress;
        AttributeRepository context = session.getConnectionContext();
        String pin = context == null ? null : context.getAttribute(PINNED_TO);
        String host = pin != null ? hostId(pin, port(address)) : hostId(address);
        try {
            List<PublicKey> known = knownKeys(host);
            if (known.isEmpty()) {
                try (Writing w = writing()) {
                    // Another fleet process may have recorded this host meanwhile: its key rules.
                    known = knownKeys(host);
                    if (known.isEmpty()) {
                        append(host, key);
                        log.info("trusted the host key of {} on first use: {}", host, KeyUtils.getFingerPrint(key));
                        return true;
                    }
                }
            }
            for (PublicKey k : known) {
                if (KeyUtils.compareKeys(k, key)) {
                    lastRefusal.remove(host);
                    return true;
                }
            }
            lastRefusal.put(host, "the host key of " + host + " has changed (it now presents "
                    + KeyUtils.getFingerPrint(key) + ", fleet recorded " + KeyUtils.getFingerPrint(known.get(0))
                    + "). This can mean the machine was reinstalled, or that someone is intercepting the connection. "
                    + "If you expected the change, accept the new key with: fleet forget-host " + host);
            log.warn("refused a changed host key for {}", host);
            return false;
        } catch (IOException | RuntimeException e) {
            lastRefusal.put(host, "cannot read or update fleet's known_hosts (" + e.getMessage() + ")");
            return false;
        }
    }

    /** Why the last connection to this host was refused, if it was. */
    public String refusalFor(String host, int port) {
        return lastRefusal.get(hostId(host, port));
    }

    /** Forgets every key recorded for a host; the next connection records the key it presents. */
    public synchronized int forget(String host, int port) throws IOException {
        String id = hostId(host, port);
        if (!Files.exists(file)) {
            // Nothing recorded: no lock taken, so a fleet that never connected anywhere (no data folder yet) makes none.
            lastRefusal.remove(id);
            return 0;
        }
        try (Writing w = writing()) {
            List<String> lines = lines();
            List<String> kept = new ArrayList<>();
            for (String line : lines) {
                if (!id.equals(firstField(line))) {
                    kept.add(line);
                }
            }
            if (kept.size() != lines.size()) {
                // Written aside and renamed over: a process reading meanwhile sees every other host's
                // key, never an empty file that would have it trust any key on "first use".
                SecureFiles.replacePrivate(file, (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n"))
                        .getBytes(StandardCharsets.UTF_8), true);
            }
            lastRefusal.remove(id);
            return lines.size() - kept.size();
        }
    }

    /**
     * Every fleet process on the data dir writes this file (the daemon, each command-line run):
     * writers take turns on an OS lock beside it ({@code known_hosts.lock}), and on a lock shared
     * by the instances of this JVM (which hands a file lock out once). Before, two processes
     * trusting new hosts at once could each truncate the file the other had just created, and a
     * host's recorded key was lost (its next connection trusted any key again).
     */
    private Writing writing() throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        ReentrantLock inProcess = IN_PROCESS_LOCKS.computeIfAbsent(
                lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        inProcess.lock();
        try {
            FileChannel channel = SecureFiles.openLockFile(lockFile);
            try {
                return new Writing(inProcess, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            inProcess.unlock();
            throw e;
        }
    }

    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS_LOCKS =
            new ConcurrentHashMap<>();

    /** The write lock held; closing releases both locks. */
    private record Writing(ReentrantLock inProcess, FileChannel channel,
                           FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
                channel.close();
            } finally {
                inProcess.unlock();
            }
        }
    }

    private List<PublicKey> knownKeys(String host) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (String line : lines()) {
            if (host.equals(firstField(line))) {
                try {
                    keys.add(PublicKeyEntry.parsePublicKeyEntry(line.substring(line.indexOf(' ') + 1).strip())
                            .resolvePublicKey(null, java.util.Map.of(), org.apache.sshd.common.config.keys.PublicKeyEntryResolver.FAILING));
                } catch (Exception e) {
                    log.warn("ignored an unreadable known_hosts entry for {}", host);
                }
            }
        }
        return keys;
    }

    /** Adds a line at the end; creates the file (0600) when missing, in the same step, never truncating it. */
    private void append(String host, PublicKey key) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((host + " " + PublicKeyEntry.toString(key) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = SecureFiles.openPrivateAppend(file)) {
            while (line.hasRemaining()) {
                ch.write(line);
            }
        }
    }

    private List<String> lines() throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static String firstField(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    private static int port(SocketAddress address) {
        if (address instanceof SshdSocketAddress s) {
            return s.getPort();
        }
        return address instanceof java.net.InetSocketAddress i ? i.getPort() : 22;
    }

    private static String hostId(SocketAddress address) {
        if (address instanceof SshdSocketAddress s) {
            return hostId(s.getHostName(), s.getPort());
        }
        if (address instanceof java.net.InetSocketAddress i) {
            return hostId(i.getHostString(), i.getPort());
        }
        return String.valueOf(address);
    }

    /** OpenSSH's spelling: bare host for port 22, {@code [host]:port} otherwise. */
    static String hostId(String host, int port) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return port == 22 ? h : "[" + h + "]:" + port;
    }
}
