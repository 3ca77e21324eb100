package dev.fleet.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token prices per provider and model, shipped with fleet ({@code llm-pricing.json} beside this
 * class) and overridable by {@code llm-pricing.json} in the data directory, read on every lookup
 * so an edit takes effect without a restart. A model that is in neither has no price: fleet never
 * guesses one.
 */
public final class PricingTable {
    private static final Logger log = LoggerFactory.getLogger(PricingTable.class);
    private static final String RESOURCE = "llm-pricing.json";
    /** The user's corrections, in the data directory; same shape as the shipped table. */
    public static final String OVERRIDE_FILE = "llm-pricing.json";

    /** US dollars per million input and output tokens. */
    public record Price(double inputPerMillion, double outputPerMillion) {
        double cost(long input, long output) {
            return input / 1_000_000.0 * inputPerMillion + output / 1_000_000.0 * outputPerMillion;
        }
    }

    private final Map<String, Map<String, Price>> shipped;
    private final Path overrides;

    public PricingTable(Path overrides) {
        this.overrides = overrides;
        try (InputStream in = PricingTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            this.shipped = read(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped " + RESOURCE, e);
        }
    }

    public Optional<Price> price(LlmProvider provider, String model) {
        if (model == null) {
            return Optional.empty();
        }
        Optional<Price> custom = lookup(readOverrides().get(provider.json()), model);
        return custom.isPresent() ? custom : lookup(shipped.get(provider.json()), model);
    }

    /** The estimated cost of a run's tokens; empty when any model used has no price. */
    public Optional<Double> estimate(LlmProvider provider, List<AgentReply.ModelUsage> usage) {
        if (usage.isEmpty()) {
            return Optional.empty();
        }
        double total = 0;
        for (AgentReply.ModelUsage u : usage) {
            Optional<Price> p = price(provider, u.model());
            if (p.isEmpty()) {
                return Optional.empty();
            }
            total += p.get().cost(u.inputTokens(), u.outputTokens());
        }
        return Optional.of(total);
    }

    /** Exact id first, then without a trailing release date ({@code claude-sonnet-4-5-20250929}). */
    private static Optional<Price> lookup(Map<String, Price> models, String model) {
        if (models == null) {
            return Optional.empty();
        }
        String key = model.strip();
        Price p = models.get(key);
        if (p == null) {
            p = models.get(key.toLowerCase(Locale.ROOT).replaceFirst("-\\d{8}$", ""));
        }
        return Optional.ofNullable(p);
    }

    private Map<String, Map<String, Price>> readOverrides() {
        if (overrides == null || !Files.exists(overrides)) {
            return Map.of();
        }
        try {
            return read(new ObjectMapper().readTree(overrides.toFile()));
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring {}: expected {\"providers\": {provider: {model: {\"input\": n, \"output\": n}}}} ({})",
                    overrides, e.getMessage());
            return Map.of();
        }
    }

    private static Map<String, Map<String, Price>> read(JsonNode root) {
        Map<String, Map<String, Price>> table = new HashMap<>();
        root.path("providers").fields().forEachRemaining(provider -> {
            Map<String, Price> models = new HashMap<>();
            provider.getValue().fields().forEachRemaining(m -> {
                JsonNode in = m.getValue().get("input");
                JsonNode out = m.getValue().get("output");
                if (in != null && in.isNumber() && out != null && out.isNumber() && in.asDouble() >= 0 && out.asDouble() >= 0) {
                    models.put(m.getKey(), new Price(in.asDouble(), out.asDouble()));
                }
            });
            table.put(provider.getKey(), Map.copyOf(models));
        });
        return Map.copyOf(table);
    }
}
