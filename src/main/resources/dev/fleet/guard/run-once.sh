#!/usr/bin/env bash
# Fleet guard, version @VERSION@. Installed by fleet in ~/.fleet/guard/ and run every minute by a
# systemd timer or cron. Each run makes one decision and exits: the machine is powered off only
# when fleet has not used it for longer than its idle timeout plus a grace period AND every
# activity check says idle. A check that cannot be completed keeps the machine up. The guard talks
# to nobody; everything it needs is in this folder:
#   timeout-min, grace-min   idle timeout and grace period, in minutes (fleet writes them)
#   heartbeat                touched by fleet whenever it uses this machine; its time counts
#   last-busy                epoch seconds of the last run that found work
#   sftp-sessions            each SFTP session's byte counters at the last run (pid read/written/)
#   sessions/                one file per session a fleet command or task ran in: its leader's start
#                            time, the command's run id and the login's scope under systemd-logind
#                            (written by fleet's wrapper and task wrapper; see fleet_sessions)
#   run-tags                 the run tags of the members that installed this guard (fleet_tagged)
#   gpu-busy-min-util        GPU utilization (%) that counts as work; 0: any compute process
#   work-folder, activity-command   what the checks look at
#   session-path             the PATH of fleet's SSH session at install; the activity command runs with it
#   guard.env                your settings, read as shell on every run (fleet keeps it):
#                              FLEET_GUARD_POWEROFF  replaces 'sudo -n shutdown -h now'
#                              FLEET_GUARD_NOW_FILE  a file holding the current epoch seconds (tests)
#   decisions.log            one line per decision: <UTC time> <keep|poweroff|wait|failed> <reason>
#   poweroff-issued          when a power-off was issued; not repeated until the machine restarts
# GPU samples go to ~/.fleet/gpu-samples, shared with fleet. Remove the guard with ./uninstall.
set -u
umask 077
g=$(cd "$(dirname "$0")" && pwd) || exit 70
# Only as the user it belongs to: run through sudo, it would look at root's home, tasks and
# processes, find none of the user's work, and could power off under it.
owner=$(stat -c %u "$g" 2>/dev/null) || exit 70
if [ "$(id -u)" != "$owner" ]; then
    echo "fleet guard: run it as the user it belongs to (uid $owner), not as $(id -un); it decided nothing" >&2
    exit 77
fi
HOME=${HOME:-${g%/.fleet/guard}}
export HOME
PATH="$HOME/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export PATH
# Fleet's own folders, made by the installer: one that has become a link since (anything that runs
# as this user can plant one) is not written through. Nothing is decided, so the machine stays up.
for x in "$HOME/.fleet" "$g"; do
    if [ -L "$x" ]; then
        echo "fleet guard: $x is a symbolic link, not the folder fleet made; it decided nothing (install the guard again)" >&2
        exit 71
    fi
done
# A link in place of a file the guard writes (planted by anything that runs as this user) is
# removed, never written through: it could point at any file of the user's.
for x in "$g/run.lock" "$g/decisions.log" "$g/decisions.log.tmp" "$g/last-busy" "$g/sftp-sessions" "$g/sftp-sessions.tmp" \
    "$g/poweroff-issued" "$HOME/.fleet/gpu-samples" "$HOME/.fleet/gpu-samples.tmp"; do
    [ ! -L "$x" ] || rm -f -- "$x"
done
FLEET_GUARD_POWEROFF=''
FLEET_GUARD_NOW_FILE=''
if [ -f "$g/guard.env" ]; then
    . "$g/guard.env"
fi

# One decision at a time: a slow check must not overlap the next minute's run.
exec 9>>"$g/run.lock"
if command -v flock >/dev/null 2>&1; then
    flock -n 9 || exit 0
fi

now=''
if [ -n "$FLEET_GUARD_NOW_FILE" ] && [ -r "$FLEET_GUARD_NOW_FILE" ]; then
    now=$(tr -dc '0-9' < "$FLEET_GUARD_NOW_FILE")
fi
[ -n "$now" ] || now=$(date +%s)

setting() {
    local v
    v=$(tr -dc '0-9' 2>/dev/null < "$g/$1")
    if [ -n "$v" ]; then echo "$v"; else echo "$2"; fi
}
timeout_min=$(setting timeout-min 30)
grace_min=$(setting grace-min 10)
min_util=$(setting gpu-busy-min-util 0)
work=$(cat "$g/work-folder" 2>/dev/null)
max_gap=600

trim() {
    local f=$1 keep=$2
    if [ -f "$f" ] && [ "$(wc -l < "$f")" -gt $((2 * keep)) ]; then
        tail -n "$keep" "$f" > "$f.tmp" && mv -f "$f.tmp" "$f"
    fi
}

decide() {
    local ts
    ts=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
    printf '%s %s %s\n' "$ts" "$1" "$2" | tee -a "$g/decisions.log"
    trim "$g/decisions.log" 2000
}

limited() {
    local seconds=$1
    shift
    if command -v timeout >/dev/null 2>&1; then timeout "$seconds" "$@"; else "$@"; fi
}

@GPU_HOLDERS_CPU@

@ACTIVE_LOGINS@

@SFTP_COUNTERS@

@FLEET_SESSIONS@

mtime() {
    stat -c %Y "$1" 2>/dev/null || date -r "$1" +%s 2>/dev/null || echo 0
}

# Running and not a zombie.
alive() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null)
    case "$state" in
        '') kill -0 "$1" 2>/dev/null ;;
        *Z*) return 1 ;;
        *) return 0 ;;
    esac
}

boot=$(awk '/^btime/ {print $2}' /proc/stat 2>/dev/null)
case "$boot" in ''|*[!0-9]*) boot=0 ;; esac

if [ -f "$g/poweroff-issued" ]; then
    issued=$(setting poweroff-issued 0)
    if [ "$issued" -ge "$boot" ]; then
        decide wait "power-off already issued at epoch $issued; not repeated"
        exit 0
    fi
    rm -f "$g/poweroff-issued" # issued before the last boot: this is a new start
fi

# --- GPU: sampled on every run, so the utilization policy has a history to judge.
gpu=idle
gpu_reason='no GPU tool (nvidia-smi)'
if command -v nvidia-smi >/dev/null 2>&1; then
    if u=$(limited 20 nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits 2>/dev/null) \
        && a=$(limited 20 nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null); then
        # The busiest GPU, not the average: one GPU of eight at full load is a job at work.
        top=$(printf '%s\n' "$u" | awk -F', *' '$1 ~ /^[0-9]+$/ {if (!n || $1 > m) m = $1; n++} END {if (n) printf "%d", m; else printf "-"}')
        procs=$(printf '%s\n' "$a" | awk -F', *' '$1 ~ /^[0-9]+$/ {printf "%s%s:%s", sep, $1, ($2 ~ /^[0-9]+$/ ? $2 : 0); sep=","}')
        [ -n "$procs" ] || procs=-
        # Memory held at 0 %: do the holders work on the CPU meanwhile (a job's CPU phase)?
        cpu=-
        if [ "$procs" != - ] && [ "$top" = 0 ]; then cpu=$(fleet_holders_cpu "$procs"); fi
        samples="$HOME/.fleet/gpu-samples"
        printf '%s %s %s %s\n' "$now" "$top" "$procs" "$cpu" >> "$samples"
        trim "$samples" 1500
        verdict=$(awk -v now="$now" -v tmo=$((timeout_min * 60)) -v gap="$max_gap" -v min="$min_util" -v win=@GPU_BUSY_WINDOW_SEC@ \
                -v cpu_work=@CPU_WORK_PERCENT@ -v cwin=@CPU_WINDOW_SEC@ -v creads=@CPU_READINGS@ '
            # One sample shows work: a process at threshold 0, or with an unreadable utilization (doubt);
            # else the busiest GPU above 0 % (a GPU at rest) and at or above the threshold.
            function works(i) {
                if (p[i] != "-" && (min == 0 || u[i] !~ /^[0-9]+$/)) return 1
                return u[i] ~ /^[0-9]+$/ && u[i] + 0 > 0 && u[i] + 0 >= min + 0
            }
            function what(i,   k, x) {
                if (p[i] == "-") return sprintf("GPU at %d %% with no compute process visible (another container'"'"'s or user'"'"'s)", u[i])
                k = split(p[i], x, ",")
                x[0] = k " GPU compute process" (k == 1 ? "" : "es")
                if (min == 0) return x[0]
                if (u[i] !~ /^[0-9]+$/) return x[0] " (utilization unreadable)"
                return sprintf("%s, GPU at %d %% (threshold %d %%)", x[0], u[i], min)
            }
            function ago(i,   s) {
                s = now - t[i]
                if (s <= 0) return ""
                return sprintf(" %d %s ago (work in the last %d min counts)", (s < 60 ? s : int(s / 60)), (s < 60 ? "s" : "min"), win / 60)
            }
            { t[NR] = $1; u[NR] = $2; p[NR] = $3; cr[NR] = (NF >= 4 ? $4 : "-") }
            END {
                if (NR == 0) { print "idle no GPU compute process"; exit }
                since = t[NR]; newer = t[NR]
                for (i = NR; i >= 1; i--) {
                    if (p[i] == "-" || u[i] != "0" || newer - t[i] > gap) break
                    since = t[i]; newer = t[i]
                }
                np = split(p[NR], procs, ",")
                if (p[NR] != "-" && u[NR] == "0" && now - t[NR] <= gap && now - since > tmo) {
                    held = sprintf("GPU memory held at 0 %% for %d min", int((now - since) / 60))
                    # CPU readings of the holders in the last window: any at work is work; doubt or too few is unknown.
                    r = 0; most = 0; doubt = 0
                    for (i = NR; i >= 1 && now - t[i] <= cwin; i--) {
                        if (cr[i] ~ /^[0-9]+$/) { r++; if (cr[i] + 0 > most) most = cr[i] + 0 } else doubt = 1
                    }
                    if (most >= cpu_work) { printf "busy %s while its processes used up to %d %% of a CPU core in the last %d min (a CPU phase of a job)\n", held, most, cwin / 60; exit }
                    if (doubt) { print "unknown " held ", and whether its processes work on the CPU cannot be told (they cannot be seen, or a reading is missing)"; exit }
                    if (r < creads) { printf "unknown %s, with only %d CPU reading%s of its processes in the last %d min\n", held, r, (r == 1 ? "" : "s"), cwin / 60; exit }
                    mem = 0; pids = ""
                    for (j = 1; j <= np; j++) { split(procs[j], pm, ":"); mem += pm[2]; pids = pids (j > 1 ? ", " : "") pm[1] }
                    printf "idle holding the GPU idle: pid %s hold%s %d MiB of GPU memory at 0 %% utilization for %d min\n", pids, (np == 1 ? "s" : ""), mem, int((now - since) / 60)
                    exit
                }
                # Work in any sample of the last window counts: a span of time, not a count of samples.
                peak = -1
                for (i = NR; i >= 1 && (i == NR || now - t[i] <= win); i--) {
                    if (works(i)) { print "busy " what(i) ago(i); exit }
                    if (u[i] ~ /^[0-9]+$/ && u[i] + 0 > peak) peak = u[i] + 0
                }
                if (p[NR] == "-") { print "idle no GPU compute process"; exit }
                printf "idle %d GPU compute process%s but the GPU at %d %% at most in the last %d min, below the threshold of %d %%\n", np, (np == 1 ? "" : "es"), peak, win / 60, min
            }' "$samples")
        gpu=${verdict%% *}
        gpu_reason=${verdict#* }
        # A verdict that did not come out (awk failing) is doubt, never idle.
        case $gpu in
            busy|idle|unknown) ;;
            *) gpu=unknown; gpu_reason='the GPU samples could not be judged' ;;
        esac
    else
        gpu=unknown
        gpu_reason='nvidia-smi failed or did not answer within 20 s'
    fi
fi

busy() {
    echo "$now" > "$g/last-busy"
    decide keep "busy: $1"
    exit 0
}

unknown() {
    decide keep "unknown: $1 (unknown never powers off)"
    exit 0
}

heartbeat=$(mtime "$g/heartbeat")
last_busy=$(setting last-busy 0)
idle_since=$heartbeat
[ "$last_busy" -gt "$idle_since" ] && idle_since=$last_busy
[ "$boot" -gt "$idle_since" ] && idle_since=$boot
idle_for=$((now - idle_since))
limit=$(((timeout_min + grace_min) * 60))
# The sessions of fleet's commands (see fleet_sessions) are looked at on every run, busy or not, so
# that the records of sessions that are over do not pile up while the machine is in use.
# The tag check's rule (fleet_tagged), shared with the scope check so that no tagged process falls
# between them: the run tags of the members that installed this guard, and this user's HOME.
fs_tags=$(tr -c 'a-z0-9' ' ' 2>/dev/null < "$g/run-tags")
fs_home=$HOME
session_runs=$(fleet_sessions "$g/sessions")
sessions_listed=$?
[ "$gpu" = busy ] && busy "$gpu_reason"
if [ "$idle_for" -le "$limit" ]; then
    decide keep "idle for $((idle_for / 60)) min of $((limit / 60)) (timeout $timeout_min + grace $grace_min min since the last fleet use, work or boot)"
    exit 0
fi

# --- The activity checks, in the order fleet's own watcher uses. The first sign of work wins.
[ "$gpu" = unknown ] && unknown "$gpu_reason"

if [ -s "$g/activity-command" ]; then
    # With the PATH of fleet's SSH session first (recorded at install), as fleet's own look runs
    # it: a timer's PATH lacks what a login adds, and `tool && echo busy || echo idle` would
    # print idle for a tool it cannot find.
    session_path=$(head -n 1 "$g/session-path" 2>/dev/null) || session_path=''
    said=$(cd "$HOME" && PATH="${session_path:+$session_path:}$PATH" && export PATH \
        && limited 30 bash "$g/activity-command" 2>/dev/null < /dev/null)
    code=$?
    said=$(printf '%s' "$said" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
    case "$said" in
        busy) busy 'activity command says busy' ;;
        idle) [ "$code" -eq 0 ] || unknown "activity command printed idle but exited $code" ;;
        *) if [ "$code" -eq 124 ]; then unknown 'activity command did not finish within 30 s'; fi
           unknown "activity command printed neither busy nor idle (exit $code)" ;;
    esac
fi

live=0
# Fleet makes the folder of tasks and each task's folder: a link in either place was planted, and
# is not followed (the commands of a task run there would still be seen by their run id, below).
for d in "$HOME"/.fleet-tasks/task-*/; do
    [ -d "$d" ] && [ ! -L "$HOME/.fleet-tasks" ] && [ ! -L "${d%/}" ] || continue
    id=$(basename "$d")
    pid=$(tr -dc '0-9' 2>/dev/null < "$d/task.pid")
    if [ -n "$pid" ] && alive "$pid"; then
        case "$(ps -o args= -p "$pid" 2>/dev/null)" in
            *"/$id/run.sh"*|'') live=$((live + 1)); continue ;;
        esac
    fi
    grep -qE '"status":"(completed|failed|cancelled|interrupted)"' "$d/status.json" 2>/dev/null && continue
    read -r at interval 2>/dev/null < "$d/activity" || continue
    case "$at$interval" in ''|*[!0-9]*) continue ;; esac
    [ $((now - at)) -lt $((2 * interval)) ] && live=$((live + 1))
done
[ "$live" -gt 0 ] && busy "$live live fleet task(s)"

# Commands fleet started and that still run carry FLEET_RUN_ID in their environment: one of its
# members' run ids, whatever HOME the job set, or any run id with this user's HOME (fleet_tagged).
# The command that runs this guard by hand, if any, does not count, nor do fleet's looks at the
# machine (their id holds "-look-").
own=${FLEET_RUN_ID:-}
fleet_tagged "$fs_tags" "$fs_home"
running=$(printf '%s' "$fs_runs" | grep -c .)
[ "$running" -gt 0 ] && busy "$running process(es) of fleet commands still running"

# ...and those whose environment no longer shows the tag (a program that set its process title wrote
# over it), found by the session OpenSSH started the command in, or by the login's scope when they
# also left that session (a daemon).
[ "$sessions_listed" -eq 0 ] || unknown 'the sessions of fleet commands could not be checked (ps)'
sessions=0
set -f # the run ids come from files anything of this user's can write: split, never expanded as patterns
for t in $session_runs; do
    t=${t#FLEET_RUN_ID=}
    case "$t" in *-look-*) continue ;; esac
    [ -n "$own" ] && [ "$t" = "$own" ] && continue
    sessions=$((sessions + 1))
done
set +f
[ "$sessions" -gt 0 ] && busy "$sessions fleet command(s) still running, found by their session or login scope (their processes no longer show fleet's tag)"

# A file transfer runs no such command. Its server side is a process of this user, found by its
# user id and command line as fleet's own look finds it (an environment may have been overwritten
# by a program that sets its process title): OpenSSH's sftp-server for an SFTP session (fleet
# opens one per transfer and keeps it at most 15 s after), "rsync --server" for rsync over SSH, "scp -t" or
# "scp -f" for the legacy scp protocol. Each counts as work while it moves data: its byte
# counters (/proc/PID/io) differ from the last run's, or cannot be read, or it is new. One that
# sat still since the last run (a folder mounted with sshfs and not used) is no work, so the idle
# time runs from the last run that saw it move.
servers=$(ps -o pid=,args= -u "$(id -u)" 2>/dev/null) || unknown 'the processes of this user could not be listed (ps)'
transfers=0
still=0
sessions=''
for p in $(printf '%s\n' "$servers" | awk '@TRANSFER_SERVERS@ { print $1 }'); do
    io=$(fleet_sftp_counters "$p")
    if [ -n "$io" ] && grep -qxF "$p $io" "$g/sftp-sessions" 2>/dev/null; then
        still=$((still + 1))
    else
        transfers=$((transfers + 1))
    fi
    [ -n "$io" ] && sessions="$sessions$p $io
"
done
printf '%s' "$sessions" > "$g/sftp-sessions.tmp" && mv -f "$g/sftp-sessions.tmp" "$g/sftp-sessions"
[ "$transfers" -gt 0 ] && busy "$transfers file transfer(s) in progress (sftp-server, rsync or scp)"

if [ -n "$work" ]; then
    # Processes show their folder with links resolved: a work folder registered through a link
    # is matched under its resolved name too.
    real=$(cd "$work" 2>/dev/null && pwd -P) || real=$work
    # Every agent CLI fleet drives (AgentProcessNames, the same expression as fleet's own checks).
    agents=$(ps -axo pid=,args= 2>/dev/null | grep -E '@AGENT_PROCESS_ERE@' \
        | while read -r pid args; do
        case "$args" in *.fleet/guard/*) continue ;; esac
        cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || continue
        case "$cwd/" in "${work%/}"/*|"${real%/}"/*) echo "$pid" ;; esac
    done | wc -l)
    [ "$agents" -gt 0 ] && busy "agent running in the work folder"
fi

if command -v who >/dev/null 2>&1; then
    # Input within the timeout plus grace: a session left open and untouched is nobody working.
    logins=$(fleet_active_logins $((timeout_min + grace_min)))
    [ "${logins:-0}" -gt 0 ] && busy "$logins login session(s) with input in the last $((timeout_min + grace_min)) min (who -u)"
fi

# --- Idle: power off, once.
echo "$now" > "$g/poweroff-issued"
quiet=''
[ "$still" -gt 0 ] && quiet="; $still transfer session(s) open but moving no data since the last check"
decide poweroff "idle for $((idle_for / 60)) min (timeout $timeout_min + grace $grace_min min); ${gpu_reason}; no other activity$quiet"
if [ -n "$FLEET_GUARD_POWEROFF" ]; then
    out=$(bash -c "$FLEET_GUARD_POWEROFF" 2>&1 < /dev/null)
else
    out=$(sudo -n shutdown -h now 2>&1 < /dev/null)
fi
code=$?
if [ "$code" -ne 0 ]; then
    rm -f "$g/poweroff-issued"
    decide failed "power-off command failed (exit $code): $(printf '%s' "$out" | head -n 1)"
    exit 1
fi
exit 0
