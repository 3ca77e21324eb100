package dev.fleet.cloud;

import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import java.util.List;

/**
 * A cloud instance registered twice: as its cloud member, and again at its address and port as a
 * plain remote member (another work folder). Work through either name is work on the machine.
 * Another cloud member is another instance, whatever address it was last seen at (a stopped
 * instance's old address may be given to another), so it is never a second name.
 */
final class SameMachine {
    private SameMachine() {
    }

    /** The plain remote members at the cloud member's address and port. */
    static List<Member> secondNamesOf(Registry registry, Member cloudMember) {
        if (cloudMember.host() == null) {
            return List.of();
        }
        return registry.members().stream().filter(other -> !other.id().equals(cloudMember.id()) && isPlainRemote(other)
                && at(other, cloudMember)).toList();
    }

    /**
     * The cloud members whose machine {@code m} works on: itself when it is one, or those at its
     * address and port when it is a plain remote member; none for a local member.
     */
    static List<Member> cloudMembersOf(Registry registry, Member m) {
        if (m.isCloud()) {
            return List.of(m);
        }
        if (!isPlainRemote(m) || m.host() == null) {
            return List.of();
        }
        return registry.members().stream().filter(c -> c.isCloud() && at(m, c)).toList();
    }

    private static boolean isPlainRemote(Member m) {
        return !m.isLocal() && !m.isCloud();
    }

    private static boolean at(Member a, Member b) {
        return b.host() != null && b.host().equalsIgnoreCase(a.host()) && sshPort(a) == sshPort(b);
    }

    static int sshPort(Member m) {
        return m.port() == null ? 22 : m.port();
    }
}
