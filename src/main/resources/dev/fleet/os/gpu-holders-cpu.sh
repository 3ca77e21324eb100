# fleet_holders_cpu PID:MIB,PID:MIB,... prints how much of one CPU core (in %) these GPU-holding
# processes and every process they started used over about a second, or - when that cannot be
# told (no holder visible in /proc, or a process left the tree meanwhile). A job that holds GPU
# memory at 0 % while it works on the CPU (evaluation, preprocessing, writing a checkpoint) is at
# work; a forgotten notebook kernel or a dead worker uses next to nothing. Descendants count (a
# job's data-loading workers are its children); other processes of the same terminal do not.
fleet_holders_cpu() {
    fhc_pids=
    for fhc_item in $(printf '%s\n' "$1" | tr ',' ' '); do
        fhc_pid=${fhc_item%%:*}
        case $fhc_pid in ''|*[!0-9]*) continue ;; esac
        fhc_pids="$fhc_pids $fhc_pid"
    done
    fhc_t0=$(fleet_uptime_cs)
    fhc_before=$(fleet_tree_ticks "$fhc_pids")
    case $fhc_before in ''|*[!0-9]*) echo -; return 0 ;; esac
    sleep 1
    fhc_t1=$(fleet_uptime_cs)
    fhc_after=$(fleet_tree_ticks "$fhc_pids")
    case $fhc_after in ''|*[!0-9]*) echo -; return 0 ;; esac
    # Fewer ticks than before: a process left the tree (reaped by init, say); that says nothing.
    [ "$fhc_after" -ge "$fhc_before" ] || { echo -; return 0; }
    fhc_hz=$(getconf CLK_TCK 2>/dev/null) || fhc_hz=100
    case $fhc_hz in ''|*[!0-9]*|0) fhc_hz=100 ;; esac
    fhc_elapsed=$((fhc_t1 - fhc_t0))
    [ "$fhc_elapsed" -gt 0 ] || fhc_elapsed=100
    echo $(((fhc_after - fhc_before) * 10000 / (fhc_hz * fhc_elapsed)))
}

# fleet_uptime_cs: the machine's uptime in hundredths of a second (0 when unreadable).
fleet_uptime_cs() {
    awk '{ printf "%d\n", $1 * 100 }' /proc/uptime 2>/dev/null || echo 0
}

# fleet_tree_ticks " PID PID": CPU clock ticks of these processes and all their descendants, reaped
# children's included (a worker that ends moves its ticks to its parent); - when none is visible.
fleet_tree_ticks() {
    for ftt_stat in /proc/[0-9]*/stat; do
        ftt_line=
        read -r ftt_line 2>/dev/null < "$ftt_stat" || continue
        ftt_pid=${ftt_stat#/proc/}
        ftt_pid=${ftt_pid%/stat}
        # Past the command name, which may hold spaces and parentheses: state ppid ... utime stime cutime cstime
        set -- ${ftt_line##*) }
        echo "$ftt_pid ${2:-0} $((${12:-0} + ${13:-0} + ${14:-0} + ${15:-0}))"
    done | awk -v holders="$1" '
        BEGIN { n = split(holders, h, " "); for (i = 1; i <= n; i++) want[h[i]] = 1 }
        { parent[$1] = $2; ticks[$1] = $3 }
        END {
            seen = 0
            for (p in want) if (p in ticks) { inside[p] = 1; seen = 1 }
            if (!seen) { print "-"; exit }
            do {
                added = 0
                for (p in parent) if (!(p in inside) && (parent[p] in inside)) { inside[p] = 1; added = 1 }
            } while (added)
            total = 0
            for (p in inside) total += ticks[p]
            printf "%d\n", total
        }'
}
