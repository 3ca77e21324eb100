package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fleet status's table, from data in the shape of fleet_status's structured answer. */
class StatusTableTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);

    private static Map<String, Object> member(String name, boolean online, String problem, Map<String, Object> cloud) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", "claude");
        m.put("online", online);
        m.put("problem", problem);
        m.put("busy", "idle");
        m.put("sessionId", null);
        m.put("lastUsed", "2026-11-28T09:55:00Z");
        if (cloud != null) {
            m.put("cloud", cloud);
        }
        return m;
    }

    private static Map<String, Object> running(List<String> warnings) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("state", "running");
        c.put("instanceType", "g5.xlarge");
        c.put("estimatedCostUsd", 1.63);
        c.put("warnings", warnings);
        return c;
    }

    private static Map<String, Object> fleet(List<Map<String, Object>> members) {
        long online = members.stream().filter(m -> Boolean.TRUE.equals(m.get("online"))).count();
        return Map.of("summary", Map.of("total", members.size(), "online", online, "busy", 0, "offline", members.size() - online),
                "members", members);
    }

    @Test
    void aRunningCloudMembersBudgetAndGuardWarningsAreInItsNote() {
        String budget = "budget nearly spent: about $1.63 of the daily budget of gpu ($2.00), 81 % (estimate)";
        String guard = "on-instance guard off for this member (cloud_control action=guard_on turns it back on): "
                + "the instance is stopped when idle only while a fleet server runs";
        String table = StatusTable.render(fleet(List.of(member("gpu", true, null, running(List.of(budget, guard))),
                member("laptop", false, "connection refused", null))), new Terminal(false, false), clock);

        assertThat(table).contains("NOTE");
        String gpuRow = table.lines().filter(l -> l.startsWith("gpu")).findFirst().orElseThrow();
        assertThat(gpuRow).contains("running g5.xlarge $1.63", "warning: " + budget + "; " + guard);
        String laptopRow = table.lines().filter(l -> l.startsWith("laptop")).findFirst().orElseThrow();
        assertThat(laptopRow).contains("OFFLINE", "connection refused").doesNotContain("warning");
    }

    @Test
    void onAColourTerminalAWarningIsYellowAndAProblemRed() {
        String table = StatusTable.render(fleet(List.of(member("gpu", true, null, running(List.of("budget spent"))),
                member("laptop", false, "connection refused", null))), new Terminal(true, true), clock);

        assertThat(table).contains("\u001b[33mwarning: budget spent", "\u001b[31mconnection refused");
    }

    @Test
    void withoutWarningsOrProblemsThereIsNoNoteColumn() {
        String table = StatusTable.render(fleet(List.of(member("gpu", true, null, running(List.of())))),
                new Terminal(false, false), clock);

        assertThat(table).doesNotContain("NOTE", "warning");
    }
}
