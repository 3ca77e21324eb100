package dev.fleet.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The user's own hourly rates ({@code pricing.json}): a JSON object of instance type to a positive number. */
public final class PricingCheck implements Check {
    private final Path file;

    public PricingCheck(Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return "pricing";
    }

    @Override
    public List<Finding> run() {
        if (!Files.exists(file)) {
            return List.of(Finding.note("no " + file.getFileName() + ": cost estimates use fleet's built-in on-demand rates"));
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            return List.of(Finding.problem(file + " is not valid JSON, so fleet ignores it",
                    "fix it: {\"g5.xlarge\": 1.006, \"t3.small\": 0.0208} (USD per hour)"));
        }
        if (root == null || !root.isObject()) {
            return List.of(Finding.problem(file + " is not a JSON object, so fleet ignores it",
                    "make it an object of instance type to hourly rate, e.g. {\"g5.xlarge\": 1.006}"));
        }
        List<String> bad = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber() || e.getValue().asDouble() <= 0) {
                bad.add(e.getKey());
            }
        }
        if (!bad.isEmpty()) {
            return List.of(Finding.problem(file + ": the rate of " + String.join(", ", bad) + " is not a positive number, so "
                    + "it is ignored", "give each rate as a number of USD per hour, e.g. \"g5.xlarge\": 1.006"));
        }
        return List.of(Finding.ok(root.size() + " rate" + (root.size() == 1 ? "" : "s") + " of your own in " + file));
    }
}
