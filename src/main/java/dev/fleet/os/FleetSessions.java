package dev.fleet.os;

import static dev.fleet.security.ShellQuote.posix;

import dev.fleet.base.BundledText;

/**
 * The sessions fleet's commands run in on a Linux member where the on-instance guard is installed:
 * each command records its session ({@link #record}), and fleet's idle check and the guard find a
 * command's processes by it ({@link #FUNCTION}) when a program has written over the environment
 * that carries the run id (a process title set with Python's setproctitle or Perl's {@code $0}),
 * and by the login's scope when such a program also left the session (a daemon).
 */
public final class FleetSessions {
    /** Where the records are, beside the guard that cleans them up every minute. */
    public static final String FOLDER = "$HOME/.fleet/guard/sessions";

    /** A login's scope as a line of {@code /proc/PID/cgroup} shows it (cgroup v2, or v1's name=systemd). */
    static final String SCOPE_LINE = "*:/*/user-*.slice/session-*.scope";

    /** Defines {@code fleet_sessions DIR}: one {@code FLEET_RUN_ID=<run id>} line per session with a process left. */
    public static final String FUNCTION = BundledText.of(FleetSessions.class, "fleet-sessions.sh").replace("@SCOPE_LINE@", SCOPE_LINE);

    /** Fields of {@code /proc/PID/stat} up to the start time (22nd); the session id is the 6th. */
    private static final String STAT_FIELDS;

    static {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 22; i++) {
            b.append(i == 6 ? "fleet_sid" : i == 22 ? "fleet_st" : "fleet_x").append(' ');
        }
        STAT_FIELDS = b.append("fleet_x").toString();
    }

    /**
     * Reads, with builtins, the line of {@code /proc/$$/cgroup} that names the scope systemd-logind
     * gave this SSH login (a daemon the command starts leaves its session but stays in it), into
     * {@code fleet_scope}; empty where there is none (no logind, a local command, a container).
     */
    private static final String SCOPE = "fleet_scope=''; while IFS= read -r fleet_l; do case $fleet_l in "
            + SCOPE_LINE + ") fleet_scope=$fleet_l; break ;; esac; done 2>/dev/null < /proc/$$/cgroup; ";

    private FleetSessions() {
    }

    /**
     * Shell for the member's login shell, run before the command: records the session it leads
     * (OpenSSH starts each command in a new session) as {@code <session id>} holding
     * {@code <leader's start time> <run id>}, then the login's scope where systemd-logind gives it one
     * (see {@link #SCOPE}). Builtins only: it runs before every command in a work
     * folder. Nothing is written where the guard's folder is missing or a link, where /proc cannot
     * be read, or where the shell does not lead its session (a local command, an SSH server that
     * starts none); the fields are split by {@code read}, which every POSIX shell and zsh do alike.
     * A link planted under the record's name is removed rather than written through; an old
     * record under it (a pid used again) is overwritten even where the shell is set to noclobber.
     * The task wrapper runs it too: it leads the session its task's command runs in.
     */
    public static String record(String runId) {
        return "if [ -d \"" + FOLDER + "\" ] && [ ! -L \"$HOME/.fleet\" ] && [ ! -L \"$HOME/.fleet/guard\" ] && [ ! -L \"" + FOLDER
                + "\" ] && read -r " + STAT_FIELDS + " 2>/dev/null < /proc/$$/stat && [ \"$fleet_sid\" = \"$$\" ]; then "
                + "fleet_rec=\"" + FOLDER + "/$$\"; { [ ! -L \"$fleet_rec\" ] || rm -f -- \"$fleet_rec\"; }; "
                + SCOPE + "printf '%s %s%s\\n' \"$fleet_st\" " + posix(runId) + " \"${fleet_scope:+ $fleet_scope}\" 2>/dev/null >| \"$fleet_rec\"; fi; ";
    }
}
