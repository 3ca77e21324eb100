package dev.fleet.tools;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validated arguments of one tool call, with defaults applied. */
public final class ToolInput {
    private final Map<String, Object> values;
    private final Set<String> given;
    private final List<String> secrets;

    ToolInput(Map<String, Object> values, Set<String> given, List<String> secrets) {
        this.values = values;
        this.given = Set.copyOf(given);
        this.secrets = List.copyOf(secrets);
    }

    /** The parameters the caller passed (defaults do not count). */
    public Set<String> givenNames() {
        return given;
    }

    /** True when the caller passed this parameter (defaults do not count). */
    public boolean given(String name) {
        return given.contains(name);
    }

    public String string(String name) {
        return (String) values.get(name);
    }

    public Integer integer(String name) {
        Object v = values.get(name);
        return v == null ? null : Math.toIntExact(((Number) v).longValue());
    }

    public Long longValue(String name) {
        Object v = values.get(name);
        return v == null ? null : ((Number) v).longValue();
    }

    public Double decimal(String name) {
        Object v = values.get(name);
        return v == null ? null : ((Number) v).doubleValue();
    }

    public boolean bool(String name) {
        return Boolean.TRUE.equals(values.get(name));
    }

    @SuppressWarnings("unchecked")
    public List<String> stringList(String name) {
        return (List<String>) values.get(name);
    }

    /** Secret values passed in this call, to be redacted from anything shown. */
    List<String> secrets() {
        return secrets;
    }
}
