package dev.fleet.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hourly on-demand rates (USD, Linux, us-east-1) of common instance types. They drift: users
 * correct or extend them with {@code pricing.json} in the data directory, a JSON object of
 * {@code "instance-type": rate}, read on every lookup so an edit takes effect without a restart.
 */
public final class Pricing {
    private static final Logger log = LoggerFactory.getLogger(Pricing.class);
    private static final Map<String, Double> BUILT_IN = builtIn();

    private final Path overrides;

    public Pricing(Path overrides) {
        this.overrides = overrides;
    }

    public Optional<Double> hourlyRate(String instanceType) {
        if (instanceType == null) {
            return Optional.empty();
        }
        Double custom = readOverrides().get(instanceType);
        return Optional.ofNullable(custom != null ? custom : BUILT_IN.get(instanceType));
    }

    private Map<String, Double> readOverrides() {
        if (overrides == null || !Files.exists(overrides)) {
            return Map.of();
        }
        try {
            JsonNode root = new ObjectMapper().readTree(overrides.toFile());
            Map<String, Double> rates = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNumber()) {
                    rates.put(e.getKey(), e.getValue().asDouble());
                }
            }
            return rates;
        } catch (IOException e) {
            log.warn("ignoring {}: not a JSON object of instance type to hourly rate ({})", overrides, e.getMessage());
            return Map.of();
        }
    }

    private static Map<String, Double> builtIn() {
        Map<String, Double> p = new HashMap<>();
        family(p, "t3", "nano", 0.0052, "micro", 0.0104, "small", 0.0208, "medium", 0.0416, "large", 0.0832,
                "xlarge", 0.1664, "2xlarge", 0.3328);
        family(p, "m5", "large", 0.096, "xlarge", 0.192, "2xlarge", 0.384, "4xlarge", 0.768, "8xlarge", 1.536,
                "12xlarge", 2.304, "16xlarge", 3.072, "24xlarge", 4.608);
        family(p, "c5", "large", 0.085, "xlarge", 0.17, "2xlarge", 0.34, "4xlarge", 0.68, "9xlarge", 1.53,
                "12xlarge", 2.04, "18xlarge", 3.06, "24xlarge", 4.08);
        family(p, "g4dn", "xlarge", 0.526, "2xlarge", 0.752, "4xlarge", 1.204, "8xlarge", 2.176, "12xlarge", 3.912,
                "16xlarge", 4.352, "metal", 7.824);
        family(p, "g5", "xlarge", 1.006, "2xlarge", 1.212, "4xlarge", 1.624, "8xlarge", 2.448, "12xlarge", 5.672,
                "16xlarge", 4.096, "24xlarge", 8.144, "48xlarge", 16.288);
        family(p, "g6", "xlarge", 0.8048, "2xlarge", 0.9776, "4xlarge", 1.3232, "8xlarge", 2.0144, "12xlarge", 4.6016,
                "16xlarge", 3.3968, "24xlarge", 6.6752, "48xlarge", 13.3504);
        family(p, "p3", "2xlarge", 3.06, "8xlarge", 12.24, "16xlarge", 24.48);
        p.put("p3dn.24xlarge", 31.212);
        p.put("p4d.24xlarge", 32.7726);
        p.put("p5.48xlarge", 98.32);
        return Map.copyOf(p);
    }

    private static void family(Map<String, Double> p, String family, Object... sizeRate) {
        for (int i = 0; i < sizeRate.length; i += 2) {
            p.put(family + "." + sizeRate[i], (Double) sizeRate[i + 1]);
        }
    }
}
