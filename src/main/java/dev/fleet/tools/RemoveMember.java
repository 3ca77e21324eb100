package dev.fleet.tools;

import dev.fleet.exec.Channels;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;

/** remove_member: forgets a member; the folder and its files stay untouched. */
public final class RemoveMember implements Tool {
    private final RegistryStore store;
    private final Channels channels;

    public RemoveMember(RegistryStore store, Channels channels) {
        this.store = store;
        this.channels = channels;
    }

    @Override
    public String name() {
        return "remove_member";
    }

    @Override
    public String description() {
        return "Remove a member from the fleet: closes its pooled connection and deletes it from the registry. "
                + "The member's work folder and files are left as they are. An unreachable member is removed anyway.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Member[] removed = new Member[1];
        store.update(registry -> {
            removed[0] = MemberTarget.find(registry, in);
            return registry.without(removed[0].id());
        });
        channels.release(removed[0]);
        return ToolResult.ok("Removed member " + removed[0].friendlyName() + " (" + removed[0].id() + "). "
                + "Its folder " + removed[0].workFolder() + " was not touched.", MemberView.structured(removed[0]));
    }
}
