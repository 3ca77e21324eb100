package dev.fleet.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs every check in order and gathers what they found. */
public final class Doctor {
    private final List<Check> checks;

    public Doctor(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Findings by check name, in the order the checks were given. */
    public record Report(Map<String, List<Finding>> findings) {
        public boolean healthy() {
            return findings.values().stream().flatMap(List::stream).noneMatch(f -> f.status() == Finding.Status.PROBLEM);
        }

        public long problems() {
            return findings.values().stream().flatMap(List::stream).filter(f -> f.status() == Finding.Status.PROBLEM).count();
        }
    }

    public Report run() {
        Map<String, List<Finding>> all = new LinkedHashMap<>();
        for (Check c : checks) {
            List<Finding> found;
            try {
                found = c.run();
            } catch (RuntimeException e) {
                // A check with a bug must not hide the others' findings.
                found = List.of(Finding.problem("the check itself failed: " + e, "report this as a fleet bug"));
            }
            all.computeIfAbsent(c.name(), n -> new ArrayList<>()).addAll(found);
        }
        return new Report(all);
    }
}
