package dev.fleet.tools;

import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.Member;
import dev.fleet.member.MemberRules;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;

/**
 * Resolves the member a call is about from {@code member_id} or {@code member_name}, and records
 * that the member was used.
 */
public final class MemberTarget {
    public static final Param MEMBER_ID = Param.string("member_id",
            "The member's id (UUID) as shown by list_members. Give this or member_name.");
    public static final Param MEMBER_NAME = Param.string("member_name",
            "The member's friendly name, instead of member_id.").matching(MemberRules.NAME_REGEX, MemberRules.NAME_RULE);

    private final RegistryStore store;
    private final ActivityRecorder activity;

    public MemberTarget(RegistryStore store, ActivityRecorder activity) {
        this.store = store;
        this.activity = activity;
    }

    /** The member named by the call; an error names the parameter when none matches. */
    public Member resolve(ToolInput in) {
        return find(store.read(), in);
    }

    /** Like {@link #resolve} and also records the use ({@code lastUsed}). */
    public Member use(ToolInput in) {
        Member m = resolve(in);
        activity.touch(m.id());
        return m;
    }

    public void touch(Member m) {
        activity.touch(m.id());
    }

    public static boolean named(ToolInput in) {
        return in.string("member_id") != null || in.string("member_name") != null;
    }

    public static Member find(Registry registry, ToolInput in) {
        String id = in.string("member_id");
        String name = in.string("member_name");
        if (id == null && name == null) {
            throw new InvalidInputException("member_id", "or member_name is required");
        }
        if (id != null) {
            Member byId = registry.byId(id).orElseThrow(() -> new InvalidInputException("member_id",
                    "does not match any registered member ('" + id + "'); list_members shows the ids"));
            if (name != null && !name.equals(byId.friendlyName())) {
                throw new InvalidInputException("member_name", "'" + name + "' names a different member than member_id '"
                        + id + "' (" + byId.friendlyName() + "); give one of them");
            }
            return byId;
        }
        return registry.byName(name).orElseThrow(() -> new InvalidInputException("member_name",
                "does not match any registered member ('" + name + "'); list_members shows the names"));
    }
}
