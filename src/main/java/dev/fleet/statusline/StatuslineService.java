package dev.fleet.statusline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.base.Background;
import dev.fleet.member.DataDir;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code statusline.txt} in the data dir current: one line naming every member with its
 * state, for Claude Code's status line ({@code fleet statusline} prints it).
 *
 * <p>A member is busy while a command, prompt or transfer runs for it in this process (several at
 * once are counted), idle once the last one ends, offline when it could not be reached; probes
 * (fleet_status, member_detail) set what they saw. Each member's last state is kept in
 * {@code statusline-state.json} ({@code {"<member id>":"<state>"}}), shared by every fleet process
 * on the data dir under a file lock. Writes happen on one background thread, in order, so a tool
 * call never waits for the disk; a failed write is logged and the next one repairs the file.
 * A change waits {@link #JOIN} for others to join it before anything is read or written: a
 * command of a few milliseconds is busy and idle again within that, so it costs one render after
 * it ended (which finds nothing changed) instead of two renders beside it, competing with it for
 * the CPU. A file whose content would not change is not written, and neither file is flushed to
 * the disk: they show a state, they do not keep data.
 */
public final class StatuslineService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatuslineService.class);
    /** Fleet processes in this JVM that share a data dir share its lock (the JVM hands a file lock out once). */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();
    /** Well under what a person or Claude Code's status line (polled every few hundred ms) notices. */
    static final Duration JOIN = Duration.ofMillis(100);

    private final Path lineFile;
    private final Path stateFile;
    private final Path lockFile;
    private final RegistryStore store;
    private final ObjectMapper mapper;
    private final ReentrantLock inProcess;
    private final ConcurrentMap<String, Integer> working = new ConcurrentHashMap<>();
    /** Changes not rendered yet, in arrival order (a later state of a member replaces an earlier one). */
    private final Map<String, MemberState> pending = new LinkedHashMap<>();
    private boolean renderQueued;
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, Background.threads("fleet-statusline"));
    private final Duration join;
    /** Work that other fleet processes on the data dir run: it keeps a member busy here too. */
    private final WorkElsewhere elsewhere;

    public StatuslineService(DataDir dataDir, RegistryStore store, ObjectMapper mapper) {
        this(dataDir, store, mapper, JOIN);
    }

    /** {@code join}: how long a change waits for others (tests set it). */
    StatuslineService(DataDir dataDir, RegistryStore store, ObjectMapper mapper, Duration join) {
        this.join = join;
        this.lineFile = lineFile(dataDir);
        this.stateFile = dataDir.root().resolve("statusline-state.json");
        this.lockFile = dataDir.root().resolve("statusline.lock");
        this.store = store;
        this.mapper = mapper;
        this.inProcess = IN_PROCESS_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        this.elsewhere = new WorkElsewhere(dataDir.root().resolve("statusline-work.json"), mapper);
    }

    /** The line's file in the data dir (the printer reads it without loading this class). */
    public static final String FILE_NAME = "statusline.txt";

    public static Path lineFile(DataDir dataDir) {
        return dataDir.root().resolve(FILE_NAME);
    }

    /** A command, prompt or transfer started on the member. */
    public void workStarted(String memberId) {
        working.merge(memberId, 1, Integer::sum);
        submit(Map.of(memberId, MemberState.BUSY));
    }

    /**
     * A command, prompt or transfer on the member ended; {@code after} is what it showed (idle,
     * offline, or busy for a task it left running). Another call still running keeps it busy.
     */
    public void workEnded(String memberId, MemberState after) {
        Integer left = working.computeIfPresent(memberId, (id, n) -> n <= 1 ? null : n - 1);
        submit(Map.of(memberId, left != null && after != MemberState.OFFLINE ? MemberState.BUSY : after));
    }

    /** States seen by a probe; a member with work running in this process stays busy whatever the probe saw. */
    public void observed(Map<String, MemberState> seen) {
        Map<String, MemberState> next = new LinkedHashMap<>(seen);
        next.replaceAll((id, state) -> working.containsKey(id) && state != MemberState.OFFLINE ? MemberState.BUSY : state);
        submit(next);
    }

    /** Members were added, renamed or removed: render again, each keeping its last state. */
    public void refresh() {
        submit(Map.of());
    }

    private void submit(Map<String, MemberState> overrides) {
        synchronized (pending) {
            pending.putAll(overrides);
            if (renderQueued) {
                return;
            }
            renderQueued = true;
        }
        try {
            writer.schedule(this::renderPending, join.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: the line is left as it was.
        }
    }

    private void renderPending() {
        Map<String, MemberState> overrides;
        synchronized (pending) {
            overrides = new LinkedHashMap<>(pending);
            pending.clear();
            renderQueued = false;
        }
        render(overrides);
    }

    private void render(Map<String, MemberState> overrides) {
        inProcess.lock();
        try (FileChannel lockChannel = SecureFiles.openLockFile(lockFile); FileLock ignored = lockChannel.lock()) {
            Registry registry = store.read();
            Map<String, MemberState> states = readStates();
            // A call here that ended (or a probe) says idle, but another fleet process still runs
            // work on that member (the daemon, a fleet exec): it stays busy.
            WorkElsewhere.Seen seen = elsewhere.record(Set.copyOf(working.keySet()));
            overrides.replaceAll((id, s) -> s == MemberState.IDLE && seen.others().contains(id) ? MemberState.BUSY : s);
            // A process that ended with calls running (a daemon stopped or killed) set their members
            // busy and never ended them: no longer busy for those calls.
            seen.cutShort().forEach(id -> {
                if (states.get(id) == MemberState.BUSY && !overrides.containsKey(id)) {
                    states.put(id, MemberState.IDLE);
                }
            });
            states.putAll(overrides);
            states.keySet().retainAll(registry.members().stream().map(Member::id).toList());
            ObjectNode stateJson = mapper.createObjectNode();
            states.forEach((id, s) -> stateJson.put(id, s.json()));
            byte[] state = mapper.writeValueAsBytes(stateJson);
            byte[] line = (line(registry, states) + "\n").getBytes(StandardCharsets.UTF_8);
            // Compared with what is on disk (another process may have written): an unchanged file is left alone.
            if (!java.util.Arrays.equals(state, readQuietly(stateFile))) {
                replace(stateFile, state);
            }
            if (!java.util.Arrays.equals(line, readQuietly(lineFile))) {
                replace(lineFile, line);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("statusline not updated: {}", e.getMessage());
        } finally {
            inProcess.unlock();
        }
    }

    /** {@code 🔵 alice:⚡ busy  🟦 bob:💤 idle}: problems and work first, registration order within a state. */
    static String line(Registry registry, Map<String, MemberState> states) {
        if (registry.members().isEmpty()) {
            return "Fleet: no members";
        }
        List<Member> members = new ArrayList<>(registry.members());
        members.sort(Comparator.comparing(m -> states.getOrDefault(m.id(), MemberState.IDLE)));
        List<String> segments = new ArrayList<>();
        for (Member m : members) {
            MemberState s = states.getOrDefault(m.id(), MemberState.IDLE);
            segments.add(MemberIcons.display(m) + " " + m.friendlyName() + ":" + s.emoji() + " " + s.json());
        }
        return String.join("  ", segments);
    }

    private Map<String, MemberState> readStates() {
        Map<String, MemberState> states = new LinkedHashMap<>();
        try {
            JsonNode root = mapper.readTree(Files.readAllBytes(stateFile));
            if (root != null && root.isObject()) {
                root.fields().forEachRemaining(e -> states.put(e.getKey(), MemberState.fromJson(e.getValue().asText())));
            }
        } catch (NoSuchFileException e) {
            // First render.
        } catch (IOException e) {
            log.debug("statusline state unreadable, starting afresh: {}", e.getMessage());
        }
        return states;
    }

    private static byte[] readQuietly(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Readers (the status line command) see the old file or the new one, never half of one. */
    private static void replace(Path file, byte[] content) throws IOException {
        SecureFiles.replacePrivate(file, content, false);
    }

    /** Writes what is still waiting to join, at once, so the last state reaches the disk. */
    @Override
    public void close() {
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        writer.shutdown();
        try {
            // A render already running finishes; one still waiting is dropped and done here instead.
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean waiting;
        synchronized (pending) {
            waiting = renderQueued;
        }
        if (waiting) {
            renderPending();
        }
    }
}
