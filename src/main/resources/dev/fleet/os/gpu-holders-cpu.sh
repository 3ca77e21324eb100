# fleet_holders_cpu PID:MIB,PID:MIB,... prints how much of one CPU core (in %) the sessions of these
# GPU-holding processes used over one second, or - when none of them can be seen in /proc. A job
# that holds GPU memory at 0 % while it works on the CPU (evaluation, preprocessing, writing a
# checkpoint) is at work; a forgotten notebook kernel or a dead worker uses next to nothing. The
# session, not the process alone: a job's data-loading workers are its children in the same session.
fleet_holders_cpu() {
    fhc_sessions=
    for fhc_item in $(printf '%s\n' "$1" | tr ',' ' '); do
        fhc_pid=${fhc_item%%:*}
        case $fhc_pid in ''|*[!0-9]*) continue ;; esac
        fhc_line=
        read -r fhc_line 2>/dev/null < "/proc/$fhc_pid/stat" || continue
        # Past the command name, which may hold spaces and parentheses: state ppid pgrp session ...
        set -- ${fhc_line##*) }
        [ -n "${4:-}" ] && fhc_sessions="$fhc_sessions $4 "
    done
    if [ -z "$fhc_sessions" ]; then
        echo -
        return 0
    fi
    fhc_before=$(fleet_session_ticks "$fhc_sessions")
    sleep 1
    fhc_after=$(fleet_session_ticks "$fhc_sessions")
    fhc_hz=$(getconf CLK_TCK 2>/dev/null) || fhc_hz=100
    case $fhc_hz in ''|*[!0-9]*|0) fhc_hz=100 ;; esac
    fhc_used=$((fhc_after - fhc_before))
    [ "$fhc_used" -ge 0 ] || fhc_used=0
    echo $((fhc_used * 100 / fhc_hz))
}

# fleet_session_ticks " S1  S2 ": CPU clock ticks of every process in these sessions, its reaped
# children's included (a worker that ends moves its ticks to its parent, so the sum never drops).
fleet_session_ticks() {
    fst_want=$1
    fst_total=0
    for fst_stat in /proc/[0-9]*/stat; do
        fst_line=
        read -r fst_line 2>/dev/null < "$fst_stat" || continue
        set -- ${fst_line##*) }
        case $fst_want in
            *" ${4:-x} "*) fst_total=$((fst_total + ${12:-0} + ${13:-0} + ${14:-0} + ${15:-0})) ;;
        esac
    done
    echo "$fst_total"
}
