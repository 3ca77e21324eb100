#!/usr/bin/env bash
# Removes the fleet guard from this machine: its schedule (systemd timer or cron line) and the
# folder ~/.fleet/guard. Run by fleet (remove_member, cloud_control action=guard_off) or by hand.
set -u
g=$(cd "$(dirname "$0")" && pwd) || exit 70
HOME=${HOME:-${g%/.fleet/guard}}
export HOME
PATH="$HOME/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export PATH
unit="fleet-guard-$(id -un)"

unschedule() {
    case "$1" in
        systemd-system)
            sudo -n systemctl disable --now "$unit.timer" >/dev/null 2>&1
            sudo -n rm -f "/etc/systemd/system/$unit.timer" "/etc/systemd/system/$unit.service"
            sudo -n systemctl daemon-reload >/dev/null 2>&1 ;;
        systemd-user)
            systemctl --user disable --now fleet-guard.timer >/dev/null 2>&1
            rm -f "$HOME/.config/systemd/user/fleet-guard.timer" "$HOME/.config/systemd/user/fleet-guard.service"
            systemctl --user daemon-reload >/dev/null 2>&1 ;;
        cron)
            if crontab -l >/dev/null 2>&1; then
                crontab -l 2>/dev/null | grep -v '# fleet-guard$' | crontab -
            fi ;;
    esac
}

if [ "${1:-}" = --schedule-only ]; then
    unschedule "${2:-}"
    exit 0
fi
unschedule "$(cat "$g/scheduler" 2>/dev/null)"
echo '@@guard:removed'
rm -rf -- "$g"; exit 0
