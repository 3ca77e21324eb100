package dev.fleet.probe;

import java.util.Map;

/** One probe of member_detail: its values, or why it could not be taken. Each probe fails on its own. */
public sealed interface ProbeResult {
    record Value(Map<String, String> values) implements ProbeResult {
        public Value {
            values = Map.copyOf(values);
        }
    }

    record Unavailable(String reason) implements ProbeResult {
    }
}
