package dev.fleet.member;

/**
 * What kind of member this is, and what reaching it takes: a folder on this machine, a folder on
 * another machine over SSH, or a folder on a cloud VM (SSH plus the instance fleet starts and
 * stops). Code that differs by kind switches on this type instead of testing fields for null.
 */
public sealed interface MemberKind {
    record Local() implements MemberKind {
    }

    record Remote(SshLogin login) implements MemberKind {
    }

    record Cloud(SshLogin login, CloudConfig cloud) implements MemberKind {
    }

    /** The SSH login of a remote or cloud member; null for a local one. */
    default SshLogin sshLogin() {
        if (this instanceof Remote r) {
            return r.login();
        }
        if (this instanceof Cloud c) {
            return c.login();
        }
        return null;
    }
}
