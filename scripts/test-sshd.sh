#!/usr/bin/env bash
# A throwaway OpenSSH server on 127.0.0.1 for the end-to-end suite and the benchmarks.
#   scripts/test-sshd.sh start DIR   -> starts sshd, prints FLEET_TEST_SSHD_* lines to source
#   scripts/test-sshd.sh stop DIR    -> stops it by PID
# FLEET_TEST_SSHD_MAX_SESSIONS sets its MaxSessions (default 30), for tests of a member that
# allows fewer channels per connection.
# Key auth only, its own host key, config, authorized_keys and HOME; nothing outside DIR is changed
# except /run/sshd (the privilege-separation folder sshd requires when started as root).
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
sshd_bin="$(command -v sshd || echo /usr/sbin/sshd)"

case "$cmd" in
start)
  [ -x "$sshd_bin" ] || { echo "test-sshd: sshd not found (apt-get install openssh-server)" >&2; exit 3; }
  mkdir -p "$dir/home"
  chmod 700 "$dir"
  dir="$(cd "$dir" && pwd)"
  [ -f "$dir/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
  [ -f "$dir/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C fleet-test -f "$dir/client_ed25519"
  cp "$dir/client_ed25519.pub" "$dir/authorized_keys"
  chmod 600 "$dir/authorized_keys"
  # OpenSSH's own sftp-server program where this system has it, as a stock sshd_config runs it:
  # a process per SFTP session, which the activity checks look for. internal-sftp otherwise.
  sftp=internal-sftp
  for f in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/libexec/sftp-server /usr/lib/ssh/sftp-server; do
    if [ -x "$f" ]; then sftp=$f; break; fi
  done
  max_sessions="${FLEET_TEST_SSHD_MAX_SESSIONS:-30}"
  [[ "$max_sessions" =~ ^[0-9]+$ ]] || { echo "test-sshd: FLEET_TEST_SSHD_MAX_SESSIONS must be a whole number, not '$max_sessions'" >&2; exit 2; }
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
          || shuf -i 20000-60000 -n 1)"
  cat > "$dir/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
MaxSessions $max_sessions
MaxStartups 200
LogLevel ERROR
SetEnv HOME=$dir/home
Subsystem sftp $sftp
CFG
  if [ "$(id -u)" = 0 ]; then mkdir -p /run/sshd; chmod 755 /run/sshd; fi
  # Detached from our stdout: a caller reading our output must not wait for sshd to exit.
  "$sshd_bin" -D -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null >/dev/null 2>&1 &
  echo $! > "$dir/sshd.bgpid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "test-sshd: sshd did not start:" >&2; cat "$dir/sshd.log" >&2; exit 1; }
  echo "FLEET_TEST_SSHD_PORT=$port"
  echo "FLEET_TEST_SSHD_KEY=$dir/client_ed25519"
  echo "FLEET_TEST_SSHD_USER=$(id -un)"
  echo "FLEET_TEST_SSHD_HOME=$dir/home"
  echo "FLEET_TEST_SSHD_SFTP=$sftp"
  ;;
stop)
  if [ -f "$dir/sshd.bgpid" ]; then
    kill "$(cat "$dir/sshd.bgpid")" 2>/dev/null || true
    rm -f "$dir/sshd.bgpid"
  fi
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
