package dev.fleet.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.cloud.InstanceDetails;
import dev.fleet.cloud.InstanceState;
import dev.fleet.security.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running time fleet has seen of each instance, kept in {@code cost-ledger.json} in the data
 * directory so that a restarted server (or another fleet process) knows what was spent today.
 *
 * <p>A run is identified by its instance and launch time. Each time fleet sees the instance running,
 * the run is extended to that moment; when fleet stops it, to the moment of the stop. A run that
 * ended while no fleet was looking counts up to the last time fleet saw it running: spend is an
 * estimate (rate × running time fleet knows of), never more than the instance really ran.
 */
public final class SpendLedger {
    private static final Logger log = LoggerFactory.getLogger(SpendLedger.class);
    private static final Duration KEEP = Duration.ofDays(3);
    /** Extending a run by less than this is kept in memory only (the next write carries it). */
    private static final Duration WRITE_STEP = Duration.ofSeconds(30);

    /** One stretch of running time: {@code usdPerHour} null when the type's price is unknown. */
    record Run(String instanceId, String instanceType, Double usdPerHour, Instant from, Instant lastSeen) {
        String key() {
            return instanceId + "@" + from;
        }
    }

    /** Estimated spend; {@code unpriced} is true when some running time had no known price and is not counted. */
    public record Spend(double usd, boolean unpriced) {
        Spend plus(Spend o) {
            return new Spend(usd + o.usd, unpriced || o.unpriced);
        }
    }

    private final Path file;
    private final Path lockFile;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, InstanceState> lastState = new ConcurrentHashMap<>();
    private Instant written = Instant.EPOCH;
    private boolean dirty;

    public SpendLedger(Path dataDir, Clock clock) {
        this.file = dataDir.resolve("cost-ledger.json");
        this.lockFile = dataDir.resolve("cost-ledger.lock");
        this.clock = clock;
        synchronized (this) {
            merge(readFile());
        }
    }

    /** What a describe call showed; a running instance extends (or opens) its current run. */
    public synchronized void observed(InstanceDetails d, Double usdPerHour) {
        lastState.put(d.instanceId(), d.state());
        if (d.state() != InstanceState.RUNNING) {
            return;
        }
        Instant now = clock.instant();
        Instant from = d.launchTime() != null ? d.launchTime() : openRunStart(d.instanceId()).orElse(now);
        Run fresh = new Run(d.instanceId(), d.instanceType(), usdPerHour, from, now);
        Run old = runs.get(fresh.key());
        if (old == null || old.lastSeen().isBefore(now)) {
            runs.put(fresh.key(), old == null ? fresh : new Run(old.instanceId(), old.instanceType(),
                    usdPerHour != null ? usdPerHour : old.usdPerHour(), old.from(), now));
            save(old == null);
        }
    }

    /** Fleet asked the instance to stop: if it was last seen running, it ran until now. */
    public synchronized void stopping(String instanceId) {
        if (lastState.get(instanceId) != InstanceState.RUNNING) {
            return;
        }
        latest(instanceId).ifPresent(r -> {
            runs.put(r.key(), new Run(r.instanceId(), r.instanceType(), r.usdPerHour(), r.from(), clock.instant()));
            save(true);
        });
        lastState.put(instanceId, InstanceState.STOPPING);
    }

    /** Estimated spend of one instance on a UTC day. */
    public synchronized Spend spentOn(String instanceId, LocalDate day) {
        Spend s = new Spend(0, false);
        for (Run r : runs.values()) {
            if (r.instanceId().equals(instanceId)) {
                s = s.plus(spend(r, day));
            }
        }
        return s;
    }

    /** Estimated spend of every instance fleet has seen, on a UTC day. */
    public synchronized Spend totalOn(LocalDate day) {
        Spend s = new Spend(0, false);
        for (Run r : runs.values()) {
            s = s.plus(spend(r, day));
        }
        return s;
    }

    private static Spend spend(Run r, LocalDate day) {
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant from = r.from().isAfter(dayStart) ? r.from() : dayStart;
        Instant to = r.lastSeen().isBefore(dayEnd) ? r.lastSeen() : dayEnd;
        if (!to.isAfter(from)) {
            return new Spend(0, false);
        }
        if (r.usdPerHour() == null) {
            return new Spend(0, true);
        }
        return new Spend(r.usdPerHour() * Duration.between(from, to).toMillis() / 3_600_000.0, false);
    }

    private java.util.Optional<Run> latest(String instanceId) {
        return runs.values().stream().filter(r -> r.instanceId().equals(instanceId))
                .max(java.util.Comparator.comparing(Run::lastSeen));
    }

    private java.util.Optional<Instant> openRunStart(String instanceId) {
        return latest(instanceId).filter(r -> lastState.get(instanceId) == InstanceState.RUNNING).map(Run::from);
    }

    /** Writes what is only in memory (at shutdown). */
    public synchronized void flush() {
        if (dirty) {
            save(true);
        }
    }

    /** Writes the ledger, merged with what another fleet process may have written meanwhile. */
    private void save(boolean now) {
        Instant t = clock.instant();
        dirty = true;
        if (!now && Duration.between(written, t).compareTo(WRITE_STEP) < 0) {
            return;
        }
        try {
            SecureFiles.createPrivateDirectories(file.getParent());
            try (FileChannel lock = SecureFiles.openLockFile(lockFile); FileLock ignored = lock.lock()) {
                merge(readFile());
                Instant cutoff = t.minus(KEEP);
                runs.values().removeIf(r -> r.lastSeen().isBefore(cutoff));
                ObjectNode root = json.createObjectNode();
                root.put("version", 1);
                root.put("note", "running time fleet has seen per instance; spend is estimated from it");
                ArrayNode list = root.putArray("runs");
                for (Run r : runs.values()) {
                    ObjectNode n = list.addObject();
                    n.put("instanceId", r.instanceId());
                    n.put("instanceType", r.instanceType());
                    if (r.usdPerHour() != null) {
                        n.put("usdPerHour", r.usdPerHour());
                    }
                    n.put("from", r.from().toString());
                    n.put("lastSeen", r.lastSeen().toString());
                }
                SecureFiles.replacePrivate(file, json.writeValueAsBytes(root), true);
            }
            written = t;
            dirty = false;
        } catch (IOException | RuntimeException e) {
            log.warn("could not record cloud running time in {}: {}", file, e.getMessage());
        }
    }

    private Map<String, Run> readFile() {
        Map<String, Run> read = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return read;
        }
        try {
            JsonNode root = json.readTree(file.toFile());
            for (JsonNode n : root.path("runs")) {
                Run r = new Run(n.path("instanceId").asText(), n.path("instanceType").isTextual() ? n.path("instanceType").asText() : null,
                        n.path("usdPerHour").isNumber() ? n.path("usdPerHour").asDouble() : null,
                        Instant.parse(n.path("from").asText()), Instant.parse(n.path("lastSeen").asText()));
                read.put(r.key(), r);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable {} ({}); spend counts from now on", file, whyUnreadable(e));
        }
        return read;
    }

    /**
     * Where and what kind, never the message: the JSON parser's and the time parser's quote the
     * text they stopped at, and a damaged or hand-edited file may hold anything, a token included.
     */
    static String whyUnreadable(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            return "not valid JSON" + (j.getLocation() == null ? ""
                    : " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr());
        }
        if (e instanceof java.time.format.DateTimeParseException) {
            return "a run's time is not an ISO-8601 instant";
        }
        if (e instanceof IOException io) {
            return dev.fleet.base.IoReasons.of(io);
        }
        return e.getClass().getSimpleName();
    }

    /** Keeps, for each run, the latest sighting either side knows of. */
    private void merge(Map<String, Run> other) {
        other.forEach((k, r) -> runs.merge(k, r, (mine, theirs) -> mine.lastSeen().isBefore(theirs.lastSeen()) ? theirs : mine));
    }
}
