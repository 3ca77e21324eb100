package dev.fleet.member;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The whole registry file: a version, the members in registration order, unknown top-level fields. */
public record Registry(String version, List<Member> members, Map<String, JsonNode> extra) {
    public static final String CURRENT_VERSION = "1.0";

    public Registry {
        members = List.copyOf(members);
        // Insertion order kept: unknown fields are rewritten where they stood.
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }

    public static Registry empty() {
        return new Registry(CURRENT_VERSION, List.of(), Map.of());
    }

    public Optional<Member> byId(String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public Optional<Member> byName(String name) {
        // name first: a member written without a name (by an older import) must not end the lookup.
        return members.stream().filter(m -> name != null && name.equals(m.friendlyName())).findFirst();
    }

    public Registry with(Member added) {
        List<Member> next = new ArrayList<>(members);
        next.add(added);
        return new Registry(version, next, extra);
    }

    public Registry without(String id) {
        return new Registry(version, members.stream().filter(m -> !m.id().equals(id)).toList(), extra);
    }

    /** Replaces the member with this id by {@code change} applied to it; unchanged if absent. */
    public Registry replacing(String id, UnaryOperator<Member> change) {
        return new Registry(version, members.stream().map(m -> m.id().equals(id) ? change.apply(m) : m).toList(), extra);
    }

    public Registry mapMembers(UnaryOperator<Member> change) {
        return new Registry(version, members.stream().map(change).toList(), extra);
    }
}
