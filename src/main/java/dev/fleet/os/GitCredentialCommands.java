package dev.fleet.os;

import dev.fleet.member.MemberOs;

/**
 * Shell text for fleet's git credential helper on a member.
 *
 * <p>What lands on the member: a folder {@code ~/.fleet-git/} (0700, owner only on Windows) holding
 * the helper script {@code helper} and one file per host under {@code hosts/} (0600: the user
 * name on the first line, the secret on the second). The user's global git config gets
 * {@code credential.helper} = {@code ""} (which clears helpers set by the system config, such as
 * a keychain that would otherwise store fleet's short-lived tokens) followed by
 * {@code !~/.fleet-git/helper}. The helper answers {@code get} for HTTPS hosts it has a file for
 * and says nothing for others. The global {@code credential.helper} values found at the first
 * install are kept in {@code previous-helpers} and put back when the last host is removed.
 *
 * <p>Hosts reaching these methods match {@link #HOST_REGEX}; they are quoted here all the same.
 * Secrets never appear in the text built here: they arrive on the command's standard input.
 */
public interface GitCredentialCommands {
    /** A DNS name: letters, digits, dots and dashes (no port, no user, no path). */
    String HOST_REGEX = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*";
    /** The global {@code credential.helper} value fleet installs; git runs it through the shell, which expands the ~. */
    String HELPER_CONFIG_VALUE = "!~/.fleet-git/helper";

    static GitCredentialCommands forOs(MemberOs os) {
        return os == MemberOs.WINDOWS ? new WindowsGitCredentials() : new PosixGitCredentials();
    }

    /**
     * Installs the helper (idempotent) and stores the credential for {@code host}, read from
     * standard input as two lines: user name, secret. Saves the earlier global helpers on the first
     * install. Prints {@code fleet-git:installed}. Exit 3 when git is missing, 4 when the files
     * cannot be written, 5 when git's config cannot be changed.
     */
    String install(String host);

    /**
     * Removes the credential for {@code host}. When it was the last one, removes the helper and
     * its folder and restores the earlier global helpers; prints {@code fleet-git:removed}.
     * Otherwise prints {@code fleet-git:kept} (the helper stays for the other hosts).
     */
    String remove(String host);

    /**
     * Asks git, as any git command in the current folder would, for the credential of
     * {@code https://<host>}; prints git's answer ({@code username=…}, {@code password=…} lines)
     * or nothing, never prompting.
     */
    String fill(String host);

    /** {@code git ls-remote <url> HEAD} without prompting; exit status 0 when the remote answered. */
    String lsRemote(String url);
}
