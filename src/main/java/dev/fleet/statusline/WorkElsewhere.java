package dev.fleet.statusline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which members other fleet processes on the data dir are working on now. The daemon and each
 * command-line run ({@code fleet exec}, {@code fleet send}, …) count their own calls only; without
 * this, a {@code fleet exec} that ended marked a member idle while the daemon still ran another
 * client's command there. Each process records the members it works on in
 * {@code statusline-work.json} ({@code {"<pid>":{"start":<ms>,"members":[…]}}}), read and written
 * only under the status line's file lock. A process that is gone (killed, or stopped with calls
 * running) no longer counts: its entry is dropped by the next process that renders, so its calls
 * do not keep a member busy for ever. The process's start time tells a reused pid apart.
 */
final class WorkElsewhere {
    private final Path file;
    private final ObjectMapper mapper;
    private final String self;
    private final long selfStart;

    WorkElsewhere(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
        ProcessHandle me = ProcessHandle.current();
        this.self = Long.toString(me.pid());
        this.selfStart = startOf(me);
    }

    /**
     * Records that this process works on {@code mine} and returns the members live other processes
     * work on. Call with the status line's file lock held.
     */
    Seen record(Set<String> mine) throws IOException {
        byte[] before = bytes();
        ObjectNode all = parse(before);
        Set<String> others = new TreeSet<>();
        Set<String> cutShort = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> entries = all.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> e = entries.next();
            if (e.getKey().equals(self)) {
                continue;
            }
            if (!alive(e.getKey(), e.getValue().path("start").asLong(-1))) {
                e.getValue().path("members").forEach(m -> cutShort.add(m.asText()));
                entries.remove();
                continue;
            }
            e.getValue().path("members").forEach(m -> others.add(m.asText()));
        }
        if (mine.isEmpty()) {
            all.remove(self);
        } else {
            ObjectNode entry = all.putObject(self);
            entry.put("start", selfStart);
            ArrayNode members = entry.putArray("members");
            new TreeSet<>(mine).forEach(members::add);
        }
        byte[] next = mapper.writeValueAsBytes(all);
        if (!java.util.Arrays.equals(next, before) && !(before == null && all.isEmpty())) {
            SecureFiles.replacePrivate(file, next, false);
        }
        cutShort.removeAll(others);
        cutShort.removeAll(mine);
        return new Seen(others, cutShort);
    }

    /**
     * {@code others}: members live other processes work on. {@code cutShort}: members a process
     * that is gone was working on when it ended (killed, or stopped with calls running), and no
     * live process works on now: the busy mark its call set is stale.
     */
    record Seen(Set<String> others, Set<String> cutShort) {
    }

    /** The file as it is; null when no process has recorded work yet. */
    private byte[] bytes() throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private ObjectNode parse(byte[] bytes) {
        if (bytes != null) {
            try {
                JsonNode root = mapper.readTree(bytes);
                if (root != null && root.isObject()) {
                    return (ObjectNode) root;
                }
            } catch (IOException e) {
                // Unreadable: started afresh; each live process records itself again at its next render.
            }
        }
        return mapper.createObjectNode();
    }

    private static boolean alive(String pid, long start) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                    .map(h -> start < 0 || startOf(h) < 0 || startOf(h) == start).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long startOf(ProcessHandle h) {
        return h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
    }
}
