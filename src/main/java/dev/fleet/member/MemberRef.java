package dev.fleet.member;

import dev.fleet.base.Quoted;
import dev.fleet.base.InvalidRequest;

/**
 * How a request names a member: by id ({@code member_id}) or by name ({@code member_name}). When
 * both are given they must name the same member. Errors name the parameter that is wrong.
 */
public record MemberRef(String id, String name) {

    /** True when the request names a member at all (some tools then act on every member). */
    public boolean given() {
        return id != null || name != null;
    }

    public Member resolve(Registry registry) {
        if (id == null && name == null) {
            throw new InvalidRequest("member_id", "or member_name is required");
        }
        if (id != null) {
            Member byId = registry.byId(id).orElseThrow(() -> new InvalidRequest("member_id",
                    "does not match any registered member (" + Quoted.value(id) + "); list_members shows the ids"));
            if (name != null && !name.equals(byId.friendlyName())) {
                throw new InvalidRequest("member_name", Quoted.value(name) + " names a different member than member_id "
                        + Quoted.value(id) + " (" + byId.friendlyName() + "); give one of them");
            }
            return byId;
        }
        return registry.byName(name).orElseThrow(() -> new InvalidRequest("member_name",
                "does not match any registered member (" + Quoted.value(name) + "); list_members shows the names"));
    }

    /** The parameter that named the member, for errors about the member itself. */
    public String parameter() {
        return id != null ? "member_id" : "member_name";
    }
}
