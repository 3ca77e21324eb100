# fleet_sessions DIR prints "FLEET_RUN_ID=<run id>" for each command session recorded in DIR that
# still has a process, and removes the records of sessions that are over. OpenSSH starts each
# command in a session of its own, led by the user's shell; fleet's wrapper records it there as a
# file named after the session id (the leader's pid) holding the leader's start time (field 22 of
# /proc/PID/stat) and the command's run id. The session finds the command's processes whatever
# they did to their environment, where the run id is: a program that sets its process title
# (Python's setproctitle, Perl's $0) writes over it. Linux never gives a new process the pid of a
# session that still has one, so: the leader alive with the recorded start time, or the leader
# gone and some process of the session alive, is the command's work; the leader's pid alive with
# another start time means the session ended and its pid went to a new process. Returns 3 (and
# prints nothing) when the processes cannot be listed; a folder that is a link is not read.
# fleet_sessions DIR RUNID prints instead the ids of that run's sessions with a process left.
fleet_sessions() {
    fs_dir=$1
    fs_run=${2:-}
    [ -d "$fs_dir" ] && [ ! -L "$fs_dir" ] || return 0
    fs_sids=''
    fs_out=''
    fs_gone=''
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
        read -r fs_st fs_id fs_x 2>/dev/null < "$fs_f"
        fs_live=''
        if read -r fs_stat 2>/dev/null < "/proc/$fs_sid/stat"; then
            # The fields after the command name, which may hold spaces: the start time is the 20th.
            set -- ${fs_stat##*) }
            if [ $# -ge 20 ]; then
                shift 19
                [ "$1" = "$fs_st" ] && fs_live=1
            fi
        else
            case $fs_sids in *" $fs_sid "*) fs_live=1 ;; esac
        fi
        if [ -n "$fs_live" ] && [ -n "$fs_id" ]; then
            if [ -z "$fs_run" ]; then
                fs_out="${fs_out}FLEET_RUN_ID=$fs_id
"
            elif [ "$fs_id" = "$fs_run" ]; then
                fs_out="$fs_out$fs_sid
"
            fi
        else
            fs_gone="$fs_gone $fs_sid"
        fi
    done
    # Digits only, so the list splits safely; one rm for all of them.
    [ -z "$fs_gone" ] || (cd "$fs_dir" && rm -f -- $fs_gone)
    printf '%s' "$fs_out"
}
