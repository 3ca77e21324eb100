# Installs (or updates) the fleet guard in ~/.fleet/guard/ and schedules it every minute. Sent by
# fleet on stdin and run by bash; the scripts travel base64-encoded. Prints @@guard:key=value lines.
set -u
umask 077
[ -n "${HOME:-}" ] || { echo 'fleet: HOME is not set on the member' >&2; exit 72; }
# The PATH of fleet's SSH session, where fleet's own look runs the activity command: the guard runs
# it with this PATH too, not only a timer's, so a tool found there is found by the guard as well.
session_path=${PATH:-}
PATH="$HOME/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export PATH
g="$HOME/.fleet/guard"
# Fleet's own folders: one that is a link was not made by fleet, and nothing is written through it.
for x in "$HOME/.fleet" "$g"; do
    [ ! -L "$x" ] || { echo "fleet: $x is a symbolic link, not the folder fleet made; the guard is not installed through it" >&2; exit 71; }
done
mkdir -p "$g" && chmod 700 "$HOME/.fleet" "$g" || { echo "fleet: cannot create $g" >&2; exit 71; }
# Where fleet's command wrapper records the session each command runs in (fleet_sessions).
[ ! -L "$g/sessions" ] || rm -f -- "$g/sessions"
mkdir -p "$g/sessions" && chmod 700 "$g/sessions" || { echo "fleet: cannot create $g/sessions" >&2; exit 71; }
# A link in place of a file the guard writes (planted by anything that runs as this user) is
# removed, never written through: it could point at any file of the user's.
unlink_planted() {
    for x in "$@"; do [ ! -L "$x" ] || rm -f -- "$x"; done
}
for x in run-once uninstall timeout-min grace-min gpu-busy-min-util member run-tags work-folder activity-command \
    session-path heartbeat decisions.log scheduler poweroff version; do
    unlink_planted "$g/$x" "$g/$x.tmp"
done

decode() {
    if printf 'eA==' | base64 -d >/dev/null 2>&1; then printf '%s' "$1" | base64 -d; else printf '%s' "$1" | base64 -D; fi
}
place() {
    decode "$2" > "$g/$1.tmp" && chmod 700 "$g/$1.tmp" && mv -f "$g/$1.tmp" "$g/$1"
}
place run-once @RUN_ONCE_B64@ || { echo 'fleet: cannot write the guard script' >&2; exit 74; }
place uninstall @UNINSTALL_B64@ || { echo 'fleet: cannot write the guard script' >&2; exit 74; }
printf '%s\n' @TIMEOUT_MIN@ > "$g/timeout-min"
printf '%s\n' @GRACE_MIN@ > "$g/grace-min"
printf '%s\n' @GPU_MIN_UTIL@ > "$g/gpu-busy-min-util"
# Left by guards before version 11, which averaged a count of GPU samples; the GPU is judged over time now.
rm -f -- "$g/gpu-samples-n"
printf '%s\n' @MEMBER@ > "$g/member"
# Every member that installs the guard on this home adds its run tag, kept: the guard counts the
# commands of each (their run ids start with it), not only those of the last to install.
tag=@RUN_TAG@
if [ -n "$tag" ] && ! grep -qxF -- "$tag" "$g/run-tags" 2>/dev/null; then printf '%s\n' "$tag" >> "$g/run-tags"; fi
decode @WORK_FOLDER_B64@ > "$g/work-folder"
activity=@ACTIVITY_B64@
if [ -n "$activity" ]; then decode "$activity" > "$g/activity-command"; else rm -f "$g/activity-command"; fi
printf '%s\n' "$session_path" > "$g/session-path"
# The user's settings file is only read: one there, a link too, is kept as it is.
if [ ! -e "$g/guard.env" ] && [ ! -L "$g/guard.env" ]; then
    cat > "$g/guard.env" <<'ENV'
# Settings of the fleet guard, read as shell on every run; fleet never overwrites this file.
# The command that powers this machine off (default: sudo -n shutdown -h now), for example:
# FLEET_GUARD_POWEROFF='aws ec2 stop-instances --instance-ids i-0123456789abcdef0'
ENV
fi
true > "$g/heartbeat"
[ -f "$g/decisions.log" ] || true > "$g/decisions.log"

custom=$(FLEET_GUARD_POWEROFF=''; . "$g/guard.env" >/dev/null 2>&1 </dev/null; printf '%s' "$FLEET_GUARD_POWEROFF")
can_sudo=no
sudo -n true >/dev/null 2>&1 </dev/null && can_sudo=yes
if [ -n "$custom" ]; then
    poweroff=custom
elif [ "$can_sudo" = yes ]; then
    poweroff=sudo
else
    poweroff=none
fi

user=$(id -un)
unit="fleet-guard-$user"
bash_path=$(command -v bash)
systemd=no
if command -v systemctl >/dev/null 2>&1; then
    case "$(systemctl is-system-running 2>/dev/null)" in
        running|degraded|starting|initializing|maintenance) systemd=yes ;;
    esac
fi
timer_unit() {
    printf '[Unit]\nDescription=fleet guard, every minute\n\n[Timer]\nOnBootSec=1min\nOnUnitActiveSec=1min\nAccuracySec=10s\n\n[Install]\nWantedBy=timers.target\n'
}
service_unit() {
    printf '[Unit]\nDescription=fleet guard: powers this machine off when idle (see %s)\n\n[Service]\nType=oneshot\n%sEnvironment="HOME=%s"\nExecStart="%s" "%s/run-once"\n' \
        "$g" "$1" "$HOME" "$bash_path" "$g"
}
scheduler=none
if [ "$systemd" = yes ] && [ "$can_sudo" = yes ]; then
    if service_unit "User=$user
" | sudo -n tee "/etc/systemd/system/$unit.service" >/dev/null \
        && timer_unit | sudo -n tee "/etc/systemd/system/$unit.timer" >/dev/null \
        && sudo -n systemctl daemon-reload >/dev/null 2>&1 \
        && sudo -n systemctl enable --now "$unit.timer" >/dev/null 2>&1; then
        scheduler=systemd-system
    fi
fi
if [ "$scheduler" = none ] && [ "$systemd" = yes ] && systemctl --user show-environment >/dev/null 2>&1; then
    # A user timer only runs while the user has a session, unless the user "lingers".
    linger=$(loginctl show-user "$user" -p Linger --value 2>/dev/null)
    if [ "$linger" != yes ]; then
        loginctl enable-linger "$user" >/dev/null 2>&1 </dev/null || sudo -n loginctl enable-linger "$user" >/dev/null 2>&1 </dev/null
        linger=$(loginctl show-user "$user" -p Linger --value 2>/dev/null)
    fi
    if [ "$linger" = yes ]; then
        d="$HOME/.config/systemd/user"
        unlink_planted "$d/fleet-guard.service" "$d/fleet-guard.timer"
        mkdir -p "$d" && service_unit '' > "$d/fleet-guard.service" && timer_unit > "$d/fleet-guard.timer" \
            && systemctl --user daemon-reload >/dev/null 2>&1 \
            && systemctl --user enable --now fleet-guard.timer >/dev/null 2>&1 && scheduler=systemd-user
    fi
fi
if [ "$scheduler" = none ] && command -v crontab >/dev/null 2>&1; then
    line="* * * * * \"$bash_path\" \"$g/run-once\" >/dev/null 2>&1 # fleet-guard"
    if { crontab -l 2>/dev/null | grep -v '# fleet-guard$'; printf '%s\n' "$line"; } | crontab - >/dev/null 2>&1; then
        scheduler=cron
    fi
fi
# A guard scheduled twice would decide twice a minute: the previous schedule goes when it changed.
previous=$(cat "$g/scheduler" 2>/dev/null)
if [ -n "$previous" ] && [ "$previous" != "$scheduler" ]; then
    bash "$g/uninstall" --schedule-only "$previous"
fi
printf '%s\n' "$scheduler" > "$g/scheduler"
printf '%s\n' "$poweroff" > "$g/poweroff"
printf '%s\n' @VERSION@ > "$g/version"
echo "@@guard:version=@VERSION@"
echo "@@guard:scheduler=$scheduler"
echo "@@guard:poweroff=$poweroff"
echo "@@guard:user=$user"
