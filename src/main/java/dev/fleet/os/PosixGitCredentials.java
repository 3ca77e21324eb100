package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

/** The credential helper on Linux and macOS: a /bin/sh script. */
final class PosixGitCredentials implements GitCredentialCommands {
    /**
     * Answers git's {@code get} for HTTPS hosts with a file in {@code hosts/}; everything else
     * (store, erase, other hosts, plain HTTP) gets no answer. Kept free of external commands, so it
     * costs one shell start per lookup and puts nothing on a process command line.
     */
    static final String HELPER = String.join("\n",
            "#!/bin/sh",
            "# fleet's git credential helper. Credentials: hosts/<host> beside this file (user name, secret).",
            "[ \"$1\" = get ] || { cat >/dev/null; exit 0; }",
            "protocol=; host=",
            "while IFS= read -r line; do",
            "  case $line in",
            "    '') break ;;",
            "    protocol=*) protocol=${line#protocol=} ;;",
            "    host=*) host=${line#host=} ;;",
            "  esac",
            "done",
            "[ \"$protocol\" = https ] || exit 0",
            "case $host in ''|.*|*..*|*[!A-Za-z0-9.-]*) exit 0 ;; esac",
            "f=\"${0%/*}/hosts/$host\"",
            "[ -f \"$f\" ] || exit 0",
            "{ IFS= read -r user; IFS= read -r secret; } < \"$f\"",
            "printf 'username=%s\\npassword=%s\\n' \"$user\" \"$secret\"",
            "");

    private static final String DIR = "d=\"$HOME/.fleet-git\"; ";
    /**
     * The folder is fleet's own, made by fleet: one that is a link (or holds a link as
     * {@code hosts}) was planted, and neither the helper nor a credential is written through it.
     */
    private static final String NO_LINKED_DIR = "if [ -L \"$d\" ] || [ -L \"$d/hosts\" ]; then "
            + "echo \"fleet: $d or $d/hosts is a symbolic link, not the folder fleet made; nothing is written through it "
            + "(remove the link and provision again)\" >&2; exit 4; fi; ";
    /** Writes standard input to a new file (noclobber), after removing whatever held its name: never through a link. */
    private static final String NEW_FILE = "fleet_new() { rm -f -- \"$1\" && ( set -C; cat > \"$1\" ); }; ";

    @Override
    public String install(String host) {
        return "[ -n \"${HOME:-}\" ] || { echo 'fleet: HOME is not set on the member' >&2; exit 4; }; "
                + "command -v git >/dev/null 2>&1 || { echo 'fleet: git is not installed on the member' >&2; exit 3; }; "
                + "umask 077; " + DIR + NEW_FILE + NO_LINKED_DIR
                + "mkdir -p \"$d/hosts\" && chmod 700 \"$d\" \"$d/hosts\" || { echo \"fleet: cannot create $d\" >&2; exit 4; }\n"
                + "fleet_new \"$d/helper.tmp\" <<'FLEET_GIT_HELPER'\n" + HELPER + "FLEET_GIT_HELPER\n"
                + "chmod 700 \"$d/helper.tmp\" && mv -f \"$d/helper.tmp\" \"$d/helper\" || { echo 'fleet: cannot write the helper' >&2; exit 4; }; "
                // The user's own helpers, saved once: a later install must not save fleet's as "theirs".
                + "if [ ! -f \"$d/previous-helpers\" ]; then "
                + "fleet_new \"$d/previous-helpers.tmp\" < /dev/null && { "
                + "git config --global --get-all credential.helper 2>/dev/null | grep -v 'fleet-git/helper' >> \"$d/previous-helpers.tmp\"; "
                // grep -v exits 1 when nothing is left (no helper of theirs); 2 means the copy failed.
                + "[ $? -le 1 ]; } && mv -f \"$d/previous-helpers.tmp\" \"$d/previous-helpers\" "
                + "|| { rm -f \"$d/previous-helpers.tmp\"; echo 'fleet: cannot save the previous credential helpers' >&2; exit 4; }; fi; "
                + "f=\"$d/hosts/\"" + posix(host) + "; "
                + "fleet_new \"$f.tmp\" && chmod 600 \"$f.tmp\" && mv -f -- \"$f.tmp\" \"$f\" "
                + "|| { rm -f \"$f.tmp\"; echo 'fleet: cannot store the credential' >&2; exit 4; }; "
                + "if [ \"$(git config --global --get-all credential.helper 2>/dev/null | tr '\\n' '|')\" != "
                + posix("|" + HELPER_CONFIG_VALUE + "|") + " ]; then "
                + "git config --global --unset-all credential.helper 2>/dev/null; "
                + "git config --global --add credential.helper '' && git config --global --add credential.helper "
                + posix(HELPER_CONFIG_VALUE) + " || { echo 'fleet: cannot change the global git config' >&2; exit 5; }; fi; "
                + "echo fleet-git:installed";
    }

    @Override
    public String remove(String host) {
        return DIR + NO_LINKED_DIR + "rm -f \"$d/hosts/\"" + posix(host) + "; "
                + "for f in \"$d\"/hosts/*; do [ -e \"$f\" ] && { echo fleet-git:kept; exit 0; }; done; "
                + "if [ -d \"$d\" ] || git config --global --get-all credential.helper 2>/dev/null | grep -q 'fleet-git/helper'; then "
                + "git config --global --unset-all credential.helper 2>/dev/null; "
                // The user's own helpers go back into git's global file as config text, written by the
                // shell itself: 'git config --add' would put each on a command line, which every user of
                // the member can read, and a helper may hold a token inline.
                + "if [ -s \"$d/previous-helpers\" ]; then g=\"$HOME/.gitconfig\"; x=\"${XDG_CONFIG_HOME:-$HOME/.config}/git/config\"; "
                + "[ ! -f \"$g\" ] && [ -f \"$x\" ] && g=\"$x\"; "
                + "{ printf '[credential]\\n'; while IFS= read -r h; do "
                + "h=$(printf '%s' \"$h\" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/\"/\\\\\"/g'); printf '\\thelper = \"%s\"\\n' \"$h\"; "
                + "done < \"$d/previous-helpers\"; } >> \"$g\" || { echo 'fleet: cannot put back the earlier credential helpers' >&2; exit 5; }; fi; "
                + "rm -rf \"$d\"; fi; echo fleet-git:removed";
    }

    @Override
    public String fill(String host) {
        return "printf 'protocol=https\\nhost=%s\\n\\n' " + posix(host)
                + " | GIT_TERMINAL_PROMPT=0 GIT_ASKPASS= SSH_ASKPASS= git credential fill 2>/dev/null; true";
    }

    @Override
    public String lsRemote(String url) {
        return "GIT_TERMINAL_PROMPT=0 GIT_ASKPASS= SSH_ASKPASS= git ls-remote " + posix(url) + " HEAD >/dev/null";
    }
}
