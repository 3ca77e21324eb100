# fleet_sessions DIR prints "FLEET_RUN_ID=<run id>" for each command session recorded in DIR that
# still has a process, and removes the records of sessions that are over. OpenSSH starts each
# command in a session of its own, led by the user's shell; fleet's wrapper records it there as a
# file named after the session id (the leader's pid) holding the leader's start time (field 22 of
# /proc/PID/stat), the command's run id and, where systemd-logind gives each SSH login a scope of
# its own, the scope's line of /proc/PID/cgroup. The session finds the command's processes whatever
# they did to their environment, where the run id is: a program that sets its process title
# (Python's setproctitle, Perl's $0) writes over it. Linux never gives a new process the pid of a
# session that still has one, so: the leader alive with the recorded start time, or the leader
# gone and some process of the session alive, is the command's work; the leader's pid alive with
# another start time means the session ended and its pid went to a new process. A program that
# also leaves its session (a daemon, such as Ray's or `gunicorn --daemon`) stays in the login's
# scope: a process there that none of fleet's other checks accounts for (not counted by the tag
# check, which is fleet_tagged with the caller's fs_tags and fs_home; not in a session still
# recorded alive; not OpenSSH's own nor its sftp-server; not the shell doing this look) keeps one
# record of that scope, and its run id, listed. Returns 3
# (and prints nothing) when the processes cannot be listed; a folder that is a link is not read.
# fleet_sessions DIR RUNID prints instead the ids of that run's sessions with a process left (the
# scope is never used for this: it holds the other commands of the same login too).
fleet_sessions() {
    fs_dir=$1
    fs_run=${2:-}
    [ -d "$fs_dir" ] && [ ! -L "$fs_dir" ] || return 0
    fs_sids=''
    fs_out=''
    fs_gone=''
    fs_alive=' '  # the sessions found alive, which the scope check leaves to them
    fs_ended=''   # records of ended sessions that name a scope: looked at once the live ones are known
    for fs_f in "$fs_dir"/*; do
        fs_sid=${fs_f##*/}
        case $fs_sid in
            '' | *[!0-9]*) continue ;; # not a record (nor the pattern itself, when the folder is empty)
        esac
        # A link planted under a record's name is removed, never read through.
        if [ -L "$fs_f" ] || [ ! -f "$fs_f" ]; then
            [ -L "$fs_f" ] && fs_gone="$fs_gone $fs_sid"
            continue
        fi
        if [ -z "$fs_sids" ]; then
            fs_ps=$(ps -e -o sid= 2>/dev/null) || return 3
            fs_sids=' '
            for fs_x in $fs_ps; do fs_sids="$fs_sids$fs_x "; done
        fi
        fs_st=''
        fs_id=''
        fs_scope=''
        read -r fs_st fs_id fs_scope 2>/dev/null < "$fs_f"
        fs_live=''
        if fleet_proc "$fs_sid"; then
            [ "$fs_start" = "$fs_st" ] && fs_live=1
        else
            case $fs_sids in *" $fs_sid "*) fs_live=1 ;; esac
        fi
        if [ -z "$fs_id" ]; then
            fs_gone="$fs_gone $fs_sid"
        elif [ -n "$fs_live" ]; then
            fs_alive="$fs_alive$fs_sid "
            if [ -z "$fs_run" ]; then
                fs_out="${fs_out}FLEET_RUN_ID=$fs_id
"
            elif [ "$fs_id" = "$fs_run" ]; then
                fs_out="$fs_out$fs_sid
"
            fi
        elif [ -n "$fs_scope" ]; then
            fs_ended="$fs_ended $fs_sid"
        else
            fs_gone="$fs_gone $fs_sid"
        fi
    done
    if [ -n "$fs_ended" ]; then
        fleet_sessions_scopes
    fi
    # Digits only, so the list splits safely; one rm for all of them.
    [ -z "$fs_gone" ] || (cd "$fs_dir" && rm -f -- $fs_gone)
    printf '%s' "$fs_out"
}

# The records of ended sessions that name a scope: of each scope that still has a process no other
# check accounts for, one record stays and is listed (the scope may hold one daemon for hours while
# a thousand commands come and go); every other record goes.
fleet_sessions_scopes() {
    fs_nl='
'
    fs_busy=$fs_nl
    fs_idle=$fs_nl
    # The processes the tag check counts (the same rule, fleet_tagged, as the caller's) and the shell
    # doing this look: a tagged process that check leaves out is still looked at here.
    fleet_tagged "${fs_tags:-}" "${fs_home:-}"
    fs_own=''
    fleet_proc "$$" && fs_own=$fs_sess
    for fs_sid in $fs_ended; do
        fs_st=''
        fs_id=''
        fs_scope=''
        read -r fs_st fs_id fs_scope 2>/dev/null < "$fs_dir/$fs_sid"
        case $fs_busy in
            *"$fs_nl$fs_scope$fs_nl"*) fs_gone="$fs_gone $fs_sid"; continue ;; # another record keeps it
        esac
        case $fs_idle in
            *"$fs_nl$fs_scope$fs_nl"*) fs_gone="$fs_gone $fs_sid"; continue ;;
        esac
        if fleet_scope_busy "$fs_scope"; then
            fs_busy="$fs_busy$fs_scope$fs_nl"
            # Listed as work, never as a session to end: its id may belong to a new session by now.
            [ -n "$fs_run" ] || fs_out="${fs_out}FLEET_RUN_ID=$fs_id$fs_nl"
        else
            fs_idle="$fs_idle$fs_scope$fs_nl"
            fs_gone="$fs_gone $fs_sid"
        fi
    done
}

# Whether the scope whose /proc/PID/cgroup line is $1 has a process that no other check accounts for.
fleet_scope_busy() {
    case $1 in
        @SCOPE_LINE@) ;;
        *) return 1 ;; # not a login's scope: a record anything of this user's can write names no other group
    esac
    for fs_x in $(grep -lFx -e "$1" /proc/[0-9]*/cgroup 2>/dev/null); do
        fs_x=${fs_x#/proc/}
        fs_x=${fs_x%/cgroup}
        case $fs_tagged in *" $fs_x "*) continue ;; esac
        fleet_proc "$fs_x" || continue
        # OpenSSH's processes of the login (fleet's own connection is one) and its SFTP server.
        case $fs_comm in sshd | sshd-session | sshd-auth | sftp-server) continue ;; esac
        case $fs_alive in *" $fs_sess "*) continue ;; esac
        [ "$fs_sess" = "$fs_own" ] && continue
        return 0
    done
    return 1
}

# Reads /proc/$1/stat into fs_comm (the command name), fs_sess (its session id) and fs_start (its
# start time, field 22); returns 1 when there is no such process. The name may hold spaces and
# parentheses, so the fields are counted from after its last ')'.
fleet_proc() {
    fs_stat=''
    read -r fs_stat 2>/dev/null < "/proc/$1/stat" || return 1
    fs_comm=${fs_stat#*(}
    fs_comm=${fs_comm%)*}
    set -- ${fs_stat##*) }
    [ $# -ge 20 ] || return 1
    fs_sess=$4
    fs_start=${20}
}

# fleet_tagged TAGS [HOME] sets fs_runs to one "FLEET_RUN_ID=<run id>" line per process whose run id
# counts as a fleet command at work, and fs_tagged to the pids (" 12 34 ") the login-scope check
# leaves to this one: those counted, fleet's looks (a run id holding "-look-": fleet looking at the
# machine is no work) and the asker's own ($FLEET_RUN_ID). A run id counts when it is <tag>-<hex>
# with its tag one of TAGS (the run tags of the members that use this home: fleet's look gives its
# member's, the guard those of every member that installed it), or, given HOME, when the process's
# environment still holds HOME=<HOME>. The second is the guard's older rule, kept for guards
# installed before fleet gave them the tags; the first is why a job that changed its HOME (a cache
# or a tool redirected, HOME=/scratch) still counts. Not by owner alone: one user may run several
# fleets on a machine (tests, CI), and a run id already says whose command it is.
fleet_tagged() {
    fs_runs=''
    fs_tagged=' '
    fs_prev=''
    fs_homes=''
    # One pass over every environment, then builtins only: a look may find hundreds of tagged
    # processes (a job's workers inherit the tag), and a process start for each cost seconds.
    fs_all=$(grep -Hazo '^FLEET_RUN_ID=[^[:cntrl:]]*' /proc/[0-9]*/environ 2>/dev/null | tr '\0' '\n')
    while IFS= read -r fs_line; do
        fs_f=${fs_line%%:FLEET_RUN_ID=*}
        [ "$fs_f" != "$fs_line" ] || continue
        fs_id=${fs_line#*:FLEET_RUN_ID=}
        fs_x=${fs_f#/proc/}
        fs_x=${fs_x%/environ}
        # The first run id a process holds, as its shell reads it.
        [ "$fs_x" != "$fs_prev" ] || continue
        fs_prev=$fs_x
        [ -n "$fs_id" ] || continue
        case $fs_id in
            *-look-*) fs_tagged="$fs_tagged$fs_x "; continue ;;
        esac
        if [ "$fs_id" = "${FLEET_RUN_ID:-}" ]; then
            fs_tagged="$fs_tagged$fs_x "
            continue
        fi
        fs_ok=''
        for fs_t in $1; do
            fs_h=${fs_id#"$fs_t"-}
            [ "$fs_h" != "$fs_id" ] || continue
            case $fs_h in '' | *[!0-9a-f]*) ;; *) fs_ok=1 ;; esac
        done
        if [ -z "$fs_ok" ] && [ -n "${2:-}" ]; then
            # The processes whose environment still holds HOME=<HOME>, listed once when first needed.
            if [ -z "$fs_homes" ]; then
                fs_homes=" $(grep -lzxF "HOME=$2" /proc/[0-9]*/environ 2>/dev/null | sed 's,^/proc/,,; s,/environ$,,' | tr '\n' ' ')"
            fi
            case $fs_homes in *" $fs_x "*) fs_ok=1 ;; esac
        fi
        [ -n "$fs_ok" ] || continue
        fs_tagged="$fs_tagged$fs_x "
        fs_runs="${fs_runs}FLEET_RUN_ID=$fs_id
"
    done <<FLEET_TAGGED_END
$fs_all
FLEET_TAGGED_END
}
