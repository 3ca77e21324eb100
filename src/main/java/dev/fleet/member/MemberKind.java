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

    /**
     * Whether the SSH login uses the stored password: asked for by name, or no key file to use and
     * a password stored. False for a local member. The SSH connection and the status probe's
     * grouping of members by login read it from here.
     */
    default boolean logsInWithPassword() {
        SshLogin login = sshLogin();
        return login != null && (login.authType() == AuthType.PASSWORD || (keyFile() == null && login.encryptedPassword() != null));
    }

    /** The private key file the SSH login uses (a cloud member's key when the login names none); null without one. */
    default String loginKeyPath() {
        return logsInWithPassword() ? null : keyFile();
    }

    private String keyFile() {
        SshLogin login = sshLogin();
        if (login == null) {
            return null;
        }
        if (login.keyPath() != null) {
            return login.keyPath();
        }
        return this instanceof Cloud c ? c.cloud().sshKeyPath() : null;
    }
}
