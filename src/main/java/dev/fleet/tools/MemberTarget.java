package dev.fleet.tools;

import dev.fleet.member.ActivityRecorder;
import dev.fleet.member.Member;
import dev.fleet.member.MemberRef;
import dev.fleet.member.MemberRules;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.member.WorkLedger;

/**
 * Resolves the member a call is about from {@code member_id} or {@code member_name} (the rule is
 * {@link MemberRef}'s), and records that the member was used; calls that work on the member are
 * also entered in the {@link WorkLedger} until they end, so no stop cuts them off.
 */
public final class MemberTarget {
    public static final Param MEMBER_ID = Param.string("member_id",
            "The member's id (UUID) as shown by list_members. Give this or member_name.");
    public static final Param MEMBER_NAME = Param.string("member_name",
            "The member's friendly name, instead of member_id.").matching(MemberRules.NAME_REGEX, MemberRules.NAME_RULE);

    private final RegistryStore store;
    private final ActivityRecorder activity;
    private final WorkLedger work;

    public MemberTarget(RegistryStore store, ActivityRecorder activity, WorkLedger work) {
        this.store = store;
        this.activity = activity;
        this.work = work;
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

    /**
     * Like {@link #use}, for a call that works on the member (runs something there or moves
     * files): it counts as work in flight until the call ends.
     */
    public Member work(ToolInput in) {
        Member m = use(in);
        WorkLedger.Entry entry = work.begin(m.id(), in.tool().isEmpty() ? "a fleet call" : in.tool());
        in.atEnd(entry::close);
        return m;
    }

    /** How the call names its member (either parameter may be missing). */
    public static MemberRef ref(ToolInput in) {
        return new MemberRef(in.string("member_id"), in.string("member_name"));
    }

    public static boolean named(ToolInput in) {
        return ref(in).given();
    }

    /**
     * The member the call names, as {@code registry} has it; empty when it names none, or one not
     * there (never registered, or removed by this very call). For what goes along with any call
     * about a member (notes, redaction), which must not fail the call.
     */
    public static java.util.Optional<Member> named(ToolInput in, Registry registry) {
        if (!named(in)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(ref(in).resolve(registry));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
