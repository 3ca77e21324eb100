package dev.fleet.member;

import dev.fleet.base.RequestRefused;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The registry file, shared by every fleet process on the same data directory.
 *
 * <p>Readers never lock: the file is only ever replaced by an atomic rename of a fully written
 * and fsynced temporary file, so a reader sees the old or the new registry, never a mix, even if a
 * writer is killed at any instant. Writers serialise on an OS file lock ({@code registry.lock})
 * across processes and on a {@link ReentrantLock} inside this one (the JVM refuses to hand the same
 * file lock to two of its own threads), then read, change and replace.
 *
 * <p>A read parses the file only when it changed: the last registry parsed is kept with the
 * file's identity, modification time and size (every write is a new file, renamed over the old),
 * so a call that only looks something up costs one stat call, also with a thousand members.
 */
public final class RegistryStore {
    private final Path file;
    private final Path lockFile;
    private final RegistryCodec codec;
    /**
     * The JVM hands a file lock to one holder only and throws at a second one, so every store on
     * the same file in this process shares one in-process lock. Process-wide by nature, like the
     * file lock it guards.
     */
    private static final java.util.concurrent.ConcurrentMap<Path, ReentrantLock> IN_PROCESS_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final ReentrantLock inProcess;
    private volatile Parsed lastParsed;

    /** A registry as parsed from the file whose attributes were these, before and after reading it. */
    private record Parsed(Object fileKey, FileTime modified, long size, Registry registry) {
        static Parsed of(BasicFileAttributes a, Registry registry) {
            return new Parsed(a.fileKey(), a.lastModifiedTime(), a.size(), registry);
        }

        boolean describes(BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }

    public RegistryStore(DataDir dataDir, RegistryCodec codec) {
        this.file = dataDir.registryFile();
        this.lockFile = dataDir.lockFile();
        this.codec = codec;
        this.inProcess = IN_PROCESS_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
    }

    /** The registry as it is on disk now (parsed again only if the file changed since the last read). */
    public Registry read() {
        try {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
            Parsed p = lastParsed;
            if (p != null && p.describes(before)) {
                return p.registry();
            }
            Registry registry = codec.parse(SecureFiles.readOwn(file));
            BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
            if (Parsed.of(before, registry).describes(after)) {
                // Kept only when no writer replaced the file while it was read.
                lastParsed = Parsed.of(after, registry);
            }
            return registry;
        } catch (NoSuchFileException e) {
            return Registry.empty();
        } catch (IOException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage()
                    + " (the file was left untouched; fix or move it aside)", e);
        }
    }

    /**
     * Applies {@code change} to the current registry under the write lock and stores the result.
     * If {@code change} throws, nothing is written. If it returns the same instance, nothing is
     * written either.
     *
     * @return the registry as stored
     */
    public Registry update(UnaryOperator<Registry> change) {
        return locked(current -> null, (current, nothing) -> change.apply(current)).registry();
    }

    /**
     * Like {@link #update(UnaryOperator)}, for changes that have something to tell their caller:
     * under the same lock, {@code read} takes what the caller needs from the current registry (it
     * may refuse by throwing, and nothing changes), then {@code change} derives the registry to
     * store from the current one and that value.
     *
     * @return what {@code read} gave
     */
    public <T> T update(Function<Registry, T> read, BiFunction<Registry, T, Registry> change) {
        return locked(read, change).value();
    }

    private record Stored<T>(Registry registry, T value) {
    }

    private <T> Stored<T> locked(Function<Registry, T> read, BiFunction<Registry, T, Registry> change) {
        inProcess.lock();
        try (FileChannel lockChannel = SecureFiles.openLockFile(lockFile);
             FileLock ignored = lockChannel.lock()) {
            removeStaleTemporaries();
            // The file cannot change while the lock is held; a parse kept from it is what is on disk.
            Registry current = read();
            T value = read.apply(current);
            Registry next = change.apply(current, value);
            if (next != current) {
                replace(next);
            }
            return new Stored<>(next, value);
        } catch (IOException e) {
            // An expected fault (a read-only or full disk, a locked file): the caller learns why, and
            // that the registry is as it was, since it is only ever replaced whole.
            throw new RequestRefused("cannot update " + file + ": " + dev.fleet.base.IoReasons.of(e)
                    + " (nothing was changed; fleet needs to write its data folder)", e);
        } finally {
            inProcess.unlock();
        }
    }

    private void replace(Registry next) throws IOException {
        SecureFiles.replacePrivate(file, codec.write(next), true);
        syncDirectory();
        // Under the write lock nobody else replaced it since: the next read need not parse it again.
        lastParsed = Parsed.of(Files.readAttributes(file, BasicFileAttributes.class), next);
    }

    /** Makes the rename itself durable; harmless where directories cannot be opened (Windows). */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort: the rename is atomic regardless; only durability across power loss is affected.
        }
    }

    /** Under the write lock no one else writes, so any temporary left here belongs to a killed writer. */
    private void removeStaleTemporaries() throws IOException {
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(file.getParent(), p -> SecureFiles.isTemporaryOf(file, p))) {
            for (Path t : tmps) {
                Files.deleteIfExists(t);
            }
        }
    }

    public static final class RegistryException extends RuntimeException {
        public RegistryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
