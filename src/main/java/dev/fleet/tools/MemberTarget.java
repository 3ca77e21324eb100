package dev.fleet.tools;

import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.Member;
import dev.fleet.member.MemberRef;
import dev.fleet.member.MemberRules;
import dev.fleet.member.RegistryStore;

/**
 * Resolves the member a call is about from {@code member_id} or {@code member_name} (the rule is
 * {@link MemberRef}'s), and records that the member was used.
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
        return ref(in).resolve(store.read());
    }

    /** Like {@link #resolve} and also records the use ({@code lastUsed}). */
    public Member use(ToolInput in) {
        Member m = resolve(in);
        activity.touch(m.id());
        return m;
    }

    /** How the call names its member (either parameter may be missing). */
    public static MemberRef ref(ToolInput in) {
        return new MemberRef(in.string("member_id"), in.string("member_name"));
    }

    public static boolean named(ToolInput in) {
        return ref(in).given();
    }
}
